export const connectTypeDefs = /* GraphQL */ `
  enum ConnectionState { PENDING CONNECTED DISCONNECTED }

  "The cluster's connector as Palisade last heard from it."
  type ClusterConnection {
    clusterId: ID!
    state: ConnectionState!
    "when the current state began: connected at, or disconnected since"
    since: String
    connectorVersion: String
    calicoVersion: String
    nodes: Int!
    pods: Int!
    lastHeartbeatAt: String
    "the kube-system namespace's uid: the cluster's identity"
    kubeSystemUid: String
    "the name the install script printed"
    connectedName: String
    "flow batches the connector's spool dropped because it was full"
    droppedBatches: Int!
  }

  type SyncError { kind: String! namespace: String name: String! message: String! }

  type ClusterSync {
    desiredRevision: String!
    appliedRevision: String!
    errors: [SyncError!]!
  }

  type InventoryNamespace { name: String! labels: JSONObject! }
  type InventoryWorkload { namespace: String! name: String! labels: JSONObject! serviceAccount: String ip: String }
  type InventoryServiceAccount { namespace: String! name: String! labels: JSONObject! }

  "The cluster's namespaces, pods and service accounts as the connector last reported them."
  type ClusterInventory {
    namespaces: [InventoryNamespace!]!
    workloads: [InventoryWorkload!]!
    serviceAccounts: [InventoryServiceAccount!]!
  }

  extend type Cluster {
    "null until the connector has reported"
    inventory: ClusterInventory
    connection: ClusterConnection!
    sync: ClusterSync!
    "flow log records stored for this cluster"
    flowRecordCount: Int!
  }

  extend type Mutation {
    "a new credential for the cluster's connector, sent to it over its connection; the current one stays valid for overlapSeconds"
    rotateClusterCredential(clusterId: ID!, overlapSeconds: Int = 3600): Boolean!
    "takes a resource mirrored from the cluster (origin CLUSTER) under Palisade's management"
    adoptClusterResource(clusterId: ID!, kind: ResourceKind!, namespace: String, name: String!): PolicyResource!
    "revokes the cluster's credentials and closes its connection; answers how many were valid"
    revokeClusterCredential(clusterId: ID!): Int!
  }

  extend type Subscription {
    "the cluster's connection each time it changes, starting with the current one"
    clusterStatus(clusterId: ID!): ClusterConnection!
  }
`;
