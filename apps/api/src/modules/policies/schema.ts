export const policiesTypeDefs = /* GraphQL */ `
  "a JSON object (a Calico resource as stored, a filter)"
  scalar JSONObject

  "the kinds a cluster's policy store holds; KubernetesNetworkPolicy is networking.k8s.io/v1 NetworkPolicy"
  enum ResourceKind {
    Tier
    NetworkPolicy
    GlobalNetworkPolicy
    StagedNetworkPolicy
    StagedGlobalNetworkPolicy
    StagedKubernetesNetworkPolicy
    KubernetesNetworkPolicy
    NetworkSet
    GlobalNetworkSet
  }

  enum ResourceOrigin { PALISADE CLUSTER }

  "a tier, policy or network set of one cluster"
  type PolicyResource {
    id: ID!
    clusterId: ID!
    kind: ResourceKind!
    "null for cluster-scoped resources"
    namespace: String
    "as Calico stores it: a Calico policy's name carries its tier (security.pci-whitelist)"
    name: String!
    "the policy's tier; a tier's own name; null for network sets"
    tier: String
    "spec.order; null means evaluated last"
    order: Float
    "the resource's revision: pass it back to update, delete or move it"
    revision: Int!
    origin: ResourceOrigin!
    labels: JSONObject
    selector: String
    types: [String!]
    "Set or Delete, for staged policies"
    stagedAction: String
    "for tiers: Deny or Pass"
    defaultAction: String
    "for network sets"
    nets: [String!]
    ingressRules: Int!
    egressRules: Int!
    "the normalised resource"
    resource: JSONObject!
    "Calico v3 YAML that calicoctl and kubectl accept"
    yaml: String!
    createdAt: String!
    updatedAt: String!
  }

  type PolicyResourceEdge { cursor: String! node: PolicyResource! }
  type ResourcePageInfo { hasNextPage: Boolean! endCursor: String }
  type PolicyResourceConnection {
    edges: [PolicyResourceEdge!]!
    pageInfo: ResourcePageInfo!
    "how many match the filter and may be seen by the caller"
    totalCount: Int!
  }

  input PolicyFilter {
    tier: String
    kind: ResourceKind
    namespace: String
    "true: staged policies only; false: enforced only"
    staged: Boolean
    "a part of the name"
    search: String
  }

  input NetworkSetFilter { kind: ResourceKind, namespace: String, search: String }
  input ResourceExportFilter { kind: ResourceKind, tier: String, namespace: String }
  input ResourceRefInput { kind: ResourceKind!, namespace: String, name: String! }

  enum ApplyStatus { CREATED UPDATED UNCHANGED INVALID SKIPPED }
  type ResourceError { path: String!, message: String! }
  type ApplyResult {
    "0-based index of the YAML document"
    document: Int!
    kind: String
    namespace: String
    name: String
    status: ApplyStatus!
    revision: Int
    errors: [ResourceError!]!
  }
  type ApplyOutcome {
    "every document valid; unless a dry run, everything was written"
    valid: Boolean!
    dryRun: Boolean!
    results: [ApplyResult!]!
  }

  type PromoteOutcome { staged: PolicyResource!, enforced: PolicyResource }

  type PolicyVersion {
    revision: Int!
    "null for the version that deleted the resource"
    yaml: String
    at: String!
    verb: String
    actor: String
    auditEventId: ID
  }

  extend type Query {
    "the cluster's tiers the caller may get, in evaluation order"
    tiers(clusterId: ID!): [PolicyResource!]!
    "policies in evaluation order (tier order, then policy order, then name); only those the caller may list"
    policies(clusterId: ID!, filter: PolicyFilter, first: Int = 100, after: String): PolicyResourceConnection!
    policy(clusterId: ID!, kind: ResourceKind!, namespace: String, name: String!): PolicyResource
    networkSets(clusterId: ID!, filter: NetworkSetFilter, first: Int = 100, after: String): PolicyResourceConnection!
    "multi-document YAML that applyResources and calicoctl accept"
    exportResources(clusterId: ID!, filter: ResourceExportFilter): String!
    "every version of a resource, oldest first, with its YAML"
    policyHistory(clusterId: ID!, kind: ResourceKind!, namespace: String, name: String!): [PolicyVersion!]!
    "a git-style unified diff between two revisions (toRevision: the latest)"
    policyDiff(clusterId: ID!, kind: ResourceKind!, namespace: String, name: String!, fromRevision: Int!, toRevision: Int): String!
  }

  extend type Mutation {
    "creates a tier, policy or network set from one YAML (or JSON) document"
    createResource(clusterId: ID!, yaml: String!): PolicyResource!
    "replaces it; revision is the one the client last saw (CONFLICT names the current one otherwise)"
    updateResource(clusterId: ID!, yaml: String!, revision: Int!): PolicyResource!
    "deletes it and answers what was deleted; a tier that is built in or holds policies cannot be deleted"
    deleteResource(clusterId: ID!, kind: ResourceKind!, namespace: String, name: String!, revision: Int): PolicyResource!
    "moves a Calico policy just before or after another of its tier (give one of before and after)"
    movePolicy(clusterId: ID!, kind: ResourceKind!, namespace: String, name: String!, revision: Int, before: ResourceRefInput, after: ResourceRefInput): PolicyResource!
    "applies multi-document Calico or Kubernetes YAML; nothing is written unless every document is valid"
    applyResources(clusterId: ID!, yaml: String!, dryRun: Boolean = false): ApplyOutcome!
    "enforces a staged policy (creates, replaces or, for stagedAction Delete, deletes the enforced one) and removes it"
    promoteStagedPolicy(clusterId: ID!, kind: ResourceKind!, namespace: String, name: String!, revision: Int): PromoteOutcome!
  }
`;
