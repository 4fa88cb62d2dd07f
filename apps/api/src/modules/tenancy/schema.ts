export const tenancyTypeDefs = /* GraphQL */ `
  enum TenantStatus { TRIAL ACTIVE SUSPENDED EXPIRED }

  type Tenant {
    id: ID!
    slug: String!
    name: String!
    status: TenantStatus!
    trialEndsAt: String
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
`;
