import type { Subject } from "../rbac/authorizer.ts";

/** Who made a change and from where, as an audit event records it. */
export interface Actor extends Subject {
  sourceAddress: string | null;
  requestId: string | null;
  /** who acts: a user (through one of its tokens; the default) or a cluster's connector */
  actorKind?: "user" | "cluster";
}
