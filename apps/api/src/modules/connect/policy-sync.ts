import type { Logger } from "@palisade/config";
import { desiredRevision, desiredState, mirrorClusterResources, recordDriftCorrected, recordPolicyAck, type ConnectorIdentity } from "@palisade/core";
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
 * On connect the connector gets the whole desired state; afterwards, whenever the cluster's desired
 * revision moves, the whole state again (full: the connector prunes what is gone). Whole states keep the
 * connector simple and a missed change impossible; a cluster's policy set is small next to its flows.
 * The revision is polled (one indexed row per connected cluster per interval), so a change made through
 * any API replica reaches the replica holding the connection.
 */
export function desiredStateSync(deps: ApiDeps, options: { pollMs?: number } = {}): PolicySync {
  const log: Logger = deps.log.child({ part: "policy-sync" });
  return {
    async onConnect(who, _appliedRevision, send) {
      let sent = -1;
      let stopped = false;
      let busy = false;
      const push = async () => {
        if (busy || stopped) return;
        busy = true;
        try {
          const revision = await desiredRevision(deps.db, who.tenantId, who.clusterId);
          if (revision === sent) return;
          const state = await desiredState(deps.db, who.tenantId, who.clusterId);
          send({ type: "policyChanges", fromRevision: Math.max(sent, 0), toRevision: state.revision, upserts: state.resources as never, deletes: [], full: true });
          sent = state.revision;
        } catch (e) {
          log.warn({ err: e, clusterId: who.clusterId }, "could not send the desired state");
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
          await mirrorClusterResources(deps.db, { ...who, full: m.full, upserts: m.upserts, deletes: m.deletes });
          return;
      }
    },
  };
}
