/** policyBoard (issue 7 contract). */
export const flowsBoardTypeDefs = /* GraphQL */ `
  type PolicyBoardCounts { connections: Float!, allowed: Float!, denied: Float!, passed: Float! }

  type PolicyBoardRule {
    index: Int!
    "the rule's action in the spec"
    action: String
    counts: PolicyBoardCounts!
  }

  type PolicyBoardPolicy {
    kind: String!
    namespace: String
    name: String!
    "the flow-log name traces use"
    traceName: String!
    staged: Boolean!
    order: Float
    "every trace entry under this policy's name: its rules and the tier's end"
    counts: PolicyBoardCounts!
    "hits at the destination's report"
    ingress: [PolicyBoardRule!]!
    "hits at the source's report"
    egress: [PolicyBoardRule!]!
    "flows that reached the end of this policy's tier under it (rule -1)"
    endOfTier: PolicyBoardCounts!
  }

  type PolicyBoardTier { name: String!, order: Float, policies: [PolicyBoardPolicy!]! }

  type PolicyBoard { from: String!, to: String!, source: FlowDataSource!, tiers: [PolicyBoardTier!]! }

  extend type Query {
    "tiers the caller may get, in order, with each policy's and rule's counts over the window (per-minute rollups)"
    policyBoard(clusterId: ID!, from: String!, to: String!, includeStaged: Boolean = false): PolicyBoard!
  }
`;
