import { stringify } from "yaml";

/** A kubeconfig for kubectl and @kubernetes/client-node: one cluster, one token user, one context. */
export function kubeconfigYaml(server: string, token: string, caPem: string, opts: { cluster?: string; user?: string; namespace?: string } = {}): string {
  const cluster = opts.cluster ?? "palisade-sim";
  const user = opts.user ?? "admin";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server, "certificate-authority-data": Buffer.from(caPem).toString("base64") } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: cluster, context: { cluster, user, ...(opts.namespace ? { namespace: opts.namespace } : {}) } }],
    "current-context": cluster,
    preferences: {},
  });
}
