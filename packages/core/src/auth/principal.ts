import type { TenantStatus } from "@palisade/db";

/** Who is calling. Operators run Palisade; users act within one tenant. */
export type Principal =
  | {
      kind: "user";
      tenantId: string;
      tenantStatus: TenantStatus;
      userId: string;
      email: string;
      tokenId: string;
      roles: readonly string[];
    }
  | { kind: "operator"; tokenId: string };
