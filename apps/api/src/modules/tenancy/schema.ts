export const tenancyTypeDefs = /* GraphQL */ `
  enum TenantStatus { TRIAL ACTIVE SUSPENDED EXPIRED }

  type Tenant {
    id: ID!
    slug: String!
    name: String!
    status: TenantStatus!
    trialEndsAt: String
    "days of raw flow logs kept (the operator's default until the owner sets it)"
    flowLogRetentionDays: Int!
    "days of per-minute flow rollups kept (graph and policy board over longer windows)"
    flowRollupRetentionDays: Int!
  }

  type User {
    id: ID!
    email: String!
    name: String!
  }

  type Me {
    user: User!
    tenant: Tenant!
    roles: [String!]!
  }

  extend type Query {
    "the caller: its user, its tenant and its roles"
    me: Me!
  }

  extend type Mutation {
    "owner only: days of raw flow logs (1..365) and of rollups (1..730) this tenant keeps; a value left out stays"
    setFlowRetention(logDays: Int, rollupDays: Int): Tenant!
  }
`;
