import type { Database } from "@palisade/db";
import type { Resource } from "@palisade/policy";
import { appendAuditEvents } from "../audit/recorder.ts";
import { publishAuditEvents } from "../audit/events-channel.ts";
import type { PubSub } from "../events/pubsub.ts";
import { describeKey, identify } from "../policies/kinds.ts";
import { yamlOf } from "../policies/store.ts";
import { connectorActor } from "./connector-actor.ts";
import { normalizeOrNull } from "./mirror.ts";

type Ref = { apiVersion: string; kind: string; namespace?: string; name: string };

export interface AckOutcome {
  ref: Ref;
  outcome: "APPLIED" | "DELETED" | "UNCHANGED" | "FAILED";
  message?: string;
}

/** The revision the connector reached and the objects it could not apply (`cluster.sync`). */
export async function recordPolicyAck(db: Database, args: { tenantId: string; clusterId: string; revision: number; outcomes: AckOutcome[] }): Promise<void> {
  const errors = args.outcomes
    .filter((o) => o.outcome === "FAILED")
    .map((o) => ({ kind: o.ref.kind, namespace: o.ref.namespace ?? null, name: o.ref.name, message: o.message ?? "failed" }));
  await db.withTenant(args.tenantId, (tx) =>
    tx.clusterConnection.update({ where: { clusterId: args.clusterId }, data: { appliedRevision: BigInt(args.revision), syncErrors: errors } }),
  );
}

/** DRIFT_CORRECTED: the connector found one of Palisade's objects changed or deleted in the cluster and restored it. */
export async function recordDriftCorrected(
  deps: { db: Database; events: PubSub },
  args: { tenantId: string; clusterId: string; clusterName: string; ref: Ref; found: "CHANGED" | "DELETED"; now: Date },
): Promise<void> {
  const written = await deps.db.withTenant(args.tenantId, async (tx) => {
    const resource = normalizeOrNull({ apiVersion: args.ref.apiVersion, kind: args.ref.kind, metadata: { name: args.ref.name, ...(args.ref.namespace ? { namespace: args.ref.namespace } : {}) } });
    const id = resource ? identify(resource) : null;
    const row = id ? await tx.policyResource.findUnique({ where: { clusterId_kind_namespace_name: { clusterId: args.clusterId, kind: id.kind, namespace: id.namespace, name: id.name } } }) : null;
    const what = id ? describeKey(id) : `${args.ref.kind} ${args.ref.namespace ? `${args.ref.namespace}/` : ""}${args.ref.name}`;
    return appendAuditEvents(
      tx,
      connectorActor(args),
      [
        {
          verb: "DRIFT_CORRECTED",
          kind: id?.kind ?? args.ref.kind,
          clusterId: args.clusterId,
          namespace: id?.namespace || null,
          name: id?.name ?? args.ref.name,
          tier: id?.tier ?? null,
          afterYaml: row ? yamlOf(row.resource as unknown as Resource) : null,
          revision: row?.revision ?? null,
          reason: `${what} was ${args.found === "DELETED" ? "deleted" : "changed"} in the cluster outside Palisade and has been restored`,
        },
      ],
      args.now,
    );
  });
  await publishAuditEvents(deps.events, args.tenantId, written);
}
