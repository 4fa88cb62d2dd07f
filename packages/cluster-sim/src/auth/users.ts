export interface UserInfo {
  username: string;
  groups: string[];
}

export const ADMIN_USER: UserInfo = { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };

export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
  };
}

/** Bearer tokens the API server accepts: the admin token of the kubeconfig and service-account tokens. */
export class TokenRegistry {
  private readonly tokens = new Map<string, UserInfo>();

  add(token: string, user: UserInfo): void {
    this.tokens.set(token, user);
  }

  remove(token: string): void {
    this.tokens.delete(token);
  }

  lookup(token: string): UserInfo | undefined {
    return this.tokens.get(token);
  }
}
