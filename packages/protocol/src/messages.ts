import { z } from "zod";
import { MAX_BATCH_RECORDS } from "./limits.ts";

const uid = z.string().min(1).max(128);
const objectRef = z.object({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  namespace: z.string().optional(),
  name: z.string().min(1),
});
export type ObjectRef = z.infer<typeof objectRef>;

/** A Kubernetes object as JSON: what the connector applies or reports. */
const kubeObject = z
  .object({ apiVersion: z.string().min(1), kind: z.string().min(1), metadata: z.object({ name: z.string().min(1), namespace: z.string().optional() }).loose() })
  .loose();
export type KubeObject = z.infer<typeof kubeObject>;

// ---- connector -> API ----

/** First message on every connection. Either the one-time registration token or the cluster credential. */
export const hello = z.object({
  type: z.literal("hello"),
  protocol: z.number().int().positive(),
  connectorVersion: z.string().min(1).max(64),
  clusterUid: uid,
  auth: z.union([z.object({ registrationToken: z.string().min(1).max(200) }), z.object({ credential: z.string().min(1).max(200) })]),
  calicoVersion: z.string().max(64).nullable().optional(),
  /** the policy revision the connector last applied (0 when it never applied any) */
  appliedRevision: z.number().int().nonnegative().default(0),
});

export const heartbeat = z.object({ type: z.literal("heartbeat"), at: z.iso.datetime() });

export const objectOutcome = z.object({
  ref: objectRef,
  outcome: z.enum(["APPLIED", "DELETED", "UNCHANGED", "FAILED"]),
  message: z.string().max(4096).optional(),
});
export type ObjectOutcome = z.infer<typeof objectOutcome>;

/** The revision the connector reached, with what happened to each object of the change. */
export const policyAck = z.object({ type: z.literal("policyAck"), revision: z.number().int().nonnegative(), outcomes: z.array(objectOutcome) });

/** Objects found in the cluster that Palisade does not manage, and drift the connector corrected. */
export const clusterResources = z.object({
  type: z.literal("clusterResources"),
  /** full: the complete set (replace); otherwise a change */
  full: z.boolean(),
  upserts: z.array(kubeObject),
  deletes: z.array(objectRef),
});
export const driftCorrected = z.object({
  type: z.literal("driftCorrected"),
  ref: objectRef,
  found: z.enum(["CHANGED", "DELETED"]),
  revision: z.number().int().nonnegative(),
});

export const inventory = z.object({
  type: z.literal("inventory"),
  calicoVersion: z.string().max(64).nullable(),
  nodes: z.number().int().nonnegative(),
  pods: z.number().int().nonnegative(),
  namespaces: z.array(z.object({ name: z.string(), labels: z.record(z.string(), z.string()) })),
  workloads: z.array(
    z.object({ namespace: z.string(), name: z.string(), labels: z.record(z.string(), z.string()), serviceAccount: z.string().nullable(), ip: z.string().nullable() }),
  ),
  serviceAccounts: z.array(z.object({ namespace: z.string(), name: z.string(), labels: z.record(z.string(), z.string()) })),
});
export type Inventory = z.infer<typeof inventory>;

/** A batch of flow log records (Calico's JSON lines, parsed). `id` is the connector's, stable across resends. */
export const flowBatch = z.object({
  type: z.literal("flowBatch"),
  id: z.uuid(),
  // each record is checked as an object here and field by field where it is stored; a per-key schema
  // would cost more than the COPY that stores it
  records: z.array(z.custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "a flow record must be an object")).min(1).max(MAX_BATCH_RECORDS),
  /** batches the spool dropped (oldest first) since the last report, because it was full */
  dropped: z.number().int().nonnegative().default(0),
});
export type FlowBatch = z.infer<typeof flowBatch>;

export const connectorMessage = z.discriminatedUnion("type", [hello, heartbeat, policyAck, clusterResources, driftCorrected, inventory, flowBatch]);
export type ConnectorMessage = z.infer<typeof connectorMessage>;
export type Hello = z.infer<typeof hello>;

// ---- API -> connector ----

export const welcome = z.object({
  type: z.literal("welcome"),
  protocol: z.number().int().positive(),
  clusterId: z.uuid(),
  clusterName: z.string(),
  /** only on registration: the long-lived credential that replaces the registration token */
  credential: z.string().optional(),
  heartbeatSeconds: z.number().int().positive(),
});

/** The connection is refused; `code` says whether retrying can help. */
export const refused = z.object({
  type: z.literal("refused"),
  code: z.enum(["INCOMPATIBLE_PROTOCOL", "UNAUTHENTICATED", "TOKEN_USED", "TOKEN_EXPIRED", "TOKEN_REVOKED", "WRONG_CLUSTER", "BAD_MESSAGE"]),
  reason: z.string(),
});
export type RefusalCode = z.infer<typeof refused>["code"];

export const policyChanges = z.object({
  type: z.literal("policyChanges"),
  fromRevision: z.number().int().nonnegative(),
  toRevision: z.number().int().nonnegative(),
  upserts: z.array(kubeObject),
  deletes: z.array(objectRef),
  /** true: upserts are the whole desired state; anything labelled as Palisade's and absent goes */
  full: z.boolean(),
});
export type PolicyChanges = z.infer<typeof policyChanges>;

export const flowAck = z.object({ type: z.literal("flowAck"), id: z.uuid(), duplicate: z.boolean() });
/** Something the peer sent was refused; the connection stays. `ref` names the message (a batch id, say). */
export const protocolError = z.object({ type: z.literal("error"), code: z.string(), message: z.string(), ref: z.string().optional() });
export const credentialRotated = z.object({ type: z.literal("credentialRotated"), credential: z.string() });

export const apiMessage = z.discriminatedUnion("type", [welcome, refused, heartbeat, policyChanges, flowAck, protocolError, credentialRotated]);
export type ApiMessage = z.infer<typeof apiMessage>;
export type Welcome = z.infer<typeof welcome>;
