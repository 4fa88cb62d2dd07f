export const clustersTypeDefs = /* GraphQL */ `
  enum ClusterStatus { PENDING CONNECTED DISCONNECTED }

  type Cluster {
    id: ID!
    name: String!
    distribution: KubernetesDistribution
    status: ClusterStatus!
    createdAt: String!
  }

  type RegistrationToken {
    "shown once: the one-time token in the install command"
    token: String!
    expiresAt: String!
    "run this where kubectl reaches the cluster"
    installCommand: String!
  }

  type ClusterWithRegistration {
    cluster: Cluster!
    registration: RegistrationToken!
  }

  extend type Query {
    clusters: [Cluster!]!
    cluster(id: ID!): Cluster
  }

  extend type Mutation {
    "a new cluster with a registration token and its install command"
    createCluster(name: String!, distribution: KubernetesDistribution): ClusterWithRegistration!
    "revokes the cluster's unused registration tokens and issues a new one"
    issueRegistrationToken(clusterId: ID!): RegistrationToken!
    "revokes the cluster's unused registration tokens; answers how many"
    revokeRegistrationTokens(clusterId: ID!): Int!
  }
`;
