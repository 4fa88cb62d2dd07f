import type { ConnectorIdentity } from "@palisade/core";
import type { ApiMessage, ConnectorMessage } from "@palisade/protocol";

/** The policy half of a connector session: desired state out, acknowledgements and cluster state in. */
export interface PolicySync {
  onConnect(who: ConnectorIdentity, appliedRevision: number, send: (m: ApiMessage) => void): Promise<void>;
  onMessage(who: ConnectorIdentity, m: Extract<ConnectorMessage, { type: "policyAck" | "clusterResources" | "driftCorrected" }>, send: (m: ApiMessage) => void): Promise<void>;
}
