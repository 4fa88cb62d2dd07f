import type { Logger } from "@palisade/config";
import { desiredRevision, mirrorClusterResources, policyChangesSince, recordDriftCorrected, recordPolicyAck, type ConnectorIdentity } from "@palisade/core";
import type { ApiMessage, ConnectorMessage } from "@palisade/protocol";
import type { ApiDeps } from "../../deps.ts";

type PolicyMessage = Extract<ConnectorMessage, { type: "policyAck" | "clusterResources" | "driftCorrected" }>;

/** The policy half of a connector session: desired state out, acknowledgements and cluster state in. */
export interface PolicySync {
  /** starts following the cluster's desired state; the returned function stops it */
  onConnect(who: ConnectorIdentity, appliedRevision: number, send: (m: ApiMessage) => void): Promise<() => void>;
  onMessage(who: ConnectorIdentity, m: PolicyMessage): Promise<void>;
}

/**
 * On connect the connector gets what changed since the revision it says it reached (the whole desired state
 * when that revision is 0, too old or unknown: see policyChangesSince); afterwards, whenever the cluster's
 * desired revision moves, what changed since the last revision sent. The revision is polled (one indexed row
 * per connected cluster per interval), so a change made through any API replica reaches the replica holding
 * the connection.
 */
export function desiredStateSync(deps: ApiDeps, options: { pollMs?: number } = {}): PolicySync {
  const log: Logger = deps.log.child({ part: "policy-sync" });
  return {
    async onConnect(who, appliedRevision, send) {
      // a connector that applied nothing says 0, which is also a real revision (a new cluster's built-in tiers)
      const known = appliedRevision > 0 ? appliedRevision : null;
      let sent: number | null = null;
      let stopped = false;
      let busy = false;
      const push = async () => {
        if (busy || stopped) return;
        busy = true;
        try {
          if (sent !== null && (await desiredRevision(deps.db, who.tenantId, who.clusterId)) === sent) return;
          const changes = await policyChangesSince(deps.db, who.tenantId, who.clusterId, sent ?? known);
          if (stopped) return;
          send({ type: "policyChanges", ...changes, upserts: changes.upserts as never });
          sent = changes.toRevision;
        } catch (e) {
          log.warn({ err: e, clusterId: who.clusterId }, "could not send the policy changes");
        } finally {
          busy = false;
        }
      };
      await push();
      const timer = setInterval(() => void push(), options.pollMs ?? 1000);
      return () => {
        stopped = true;
        clearInterval(timer);
      };
    },
    async onMessage(who, m) {
      switch (m.type) {
        case "policyAck":
          return recordPolicyAck(deps.db, { ...who, revision: m.revision, outcomes: m.outcomes });
        case "driftCorrected":
          return recordDriftCorrected(deps, { ...who, ref: m.ref, found: m.found, now: deps.now() });
        case "clusterResources":
          await mirrorClusterResources(deps, { ...who, full: m.full, upserts: m.upserts, deletes: m.deletes, now: deps.now() });
          return;
      }
    },
  };
}
