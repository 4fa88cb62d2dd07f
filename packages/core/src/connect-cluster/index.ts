export { connectedClusterName } from "./connected-name.ts";
export { ConnectRefusal, type RefusalCode } from "./refusal.ts";
export { inspectInstallToken, type InstallTokenState } from "./install-tokens.ts";
export { registerConnector, authenticateConnector, rotateClusterCredential, revokeClusterCredentials, type ConnectorIdentity } from "./credentials.ts";
export {
  clusterStatus,
  statusView,
  markConnected,
  markDisconnected,
  recordHeartbeat,
  recordInventory,
  recordConnectedName,
  forgetConnection,
  clusterStatusChannel,
  connectorControlChannel,
  type ClusterStatusView,
  type ConnectionState,
  type ConnectorControl,
} from "./status.ts";
export { desiredRevision, policyChangesSince, type PolicyChangeSet } from "./policy-changes.ts";
export { recordPolicyAck, recordDriftCorrected, type AckOutcome } from "./policy-sync.ts";
export { mirrorClusterResources } from "./mirror.ts";
export { adoptClusterResource } from "./adopt.ts";
