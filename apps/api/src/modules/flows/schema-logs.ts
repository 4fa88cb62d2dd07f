/** flowLogs (raw records, a keyset connection) and the live `flows` subscription (issue 7 contract). */
export const flowsLogsTypeDefs = /* GraphQL */ `
  type FlowPolicyHit {
    "position in the trace"
    index: Int!
    tier: String!
    "Calico's flow-log name (namespace/tier.name, staged: prefix for staged)"
    name: String!
    "the stored kind (NetworkPolicy, GlobalNetworkPolicy, Staged..., KubernetesNetworkPolicy; Profile for a namespace profile)"
    kind: String
    namespace: String
    staged: Boolean!
    action: PolicyHitAction!
    "rule index in the policy's ingress (reporter dst) or egress (reporter src) rules; -1: the tier's end (no rule matched)"
    ruleIndex: Int!
    direction: String!
    "the version of that policy enforced at the record's time, when Palisade has it (and the caller may get its tier)"
    policyVersion: PolicyVersion
  }

  type FlowLog {
    startTime: String!
    endTime: String!
    sourceType: String!
    sourceNamespace: String!
    sourceName: String!
    sourceNameAggr: String!
    sourceIp: String
    sourcePort: Int
    sourceLabels: [String!]!
    destType: String!
    destNamespace: String!
    destName: String!
    destNameAggr: String!
    destIp: String
    destPort: Int
    destLabels: [String!]!
    destServiceNamespace: String
    destServiceName: String
    destDomains: [String!]
    proto: String!
    action: FlowAction!
    reporter: FlowReporter!
    numFlows: Float!
    packetsIn: Float!
    packetsOut: Float!
    bytesIn: Float!
    bytesOut: Float!
    host: String
    policies: [FlowPolicyHit!]!
    pendingPolicies: [FlowPolicyHit!]!
    decidingPolicy: FlowPolicyHit
    "the whole record as Calico wrote it"
    record: JSONObject!
  }

  type FlowLogEdge { cursor: String!, node: FlowLog! }
  type FlowLogPageInfo { hasNextPage: Boolean!, endCursor: String }
  type FlowLogConnection { edges: [FlowLogEdge!]!, pageInfo: FlowLogPageInfo! }

  type FlowLiveBatch {
    records: [FlowLog!]!
    "records left out since the previous batch to respect maxPerSecond (estimated for batches too large to publish whole)"
    skipped: Int!
  }

  extend type Query {
    "raw flow logs of a window (at most 31 days), newest first by default; first 1..500"
    flowLogs(clusterId: ID!, from: String!, to: String!, filter: FlowLogFilter, sort: FlowLogSort = TIME_DESC, first: Int = 50, after: String): FlowLogConnection!
  }

  extend type Subscription {
    "flow records as they are stored, filtered, thinned to min(maxPerSecond, the server's limit) per second"
    flows(clusterId: ID!, filter: FlowLogFilter, maxPerSecond: Int = 20): FlowLiveBatch!
  }
`;
