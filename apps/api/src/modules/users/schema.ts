export const usersTypeDefs = /* GraphQL */ `
  "one rule of a role; null tiers, namespaces or clusters mean all of them"
  type RoleRule {
    "get, list, watch, create, update, delete"
    verbs: [String!]!
    "tiers, tier.networkpolicies, tier.globalnetworkpolicies, tier.stagednetworkpolicies, tier.stagedglobalnetworkpolicies, tier.stagedkubernetesnetworkpolicies, networkpolicies.k8s, networksets, globalnetworksets, clusters, reports, auditevents, users, flowlogs"
    resources: [String!]!
    tiers: [String!]
    namespaces: [String!]
    clusters: [ID!]
  }

  input RoleRuleInput {
    verbs: [String!]!
    resources: [String!]!
    tiers: [String!]
    namespaces: [String!]
    clusters: [ID!]
  }

  type Role { name: String!, builtin: Boolean!, rules: [RoleRule!]! }

  type TenantUser { id: ID!, email: String!, name: String!, roles: [String!]!, createdAt: String! }

  type Invitation {
    id: ID!
    email: String!
    roles: [String!]!
    expiresAt: String!
    "shown once: the one-time token for acceptInvitation"
    token: String!
  }

  type AcceptedInvitation {
    user: TenantUser!
    "shown once: the new user's access token"
    accessToken: String!
  }

  type AccessTokenInfo {
    id: ID!
    name: String!
    "the first characters of the token, to recognise it"
    prefix: String!
    userEmail: String!
    "roles the token is bound to (empty: it acts with its user's roles)"
    roles: [String!]!
    expiresAt: String
    lastUsedAt: String
    revokedAt: String
    createdAt: String!
  }

  type IssuedAccessToken {
    "shown once"
    token: String!
    accessToken: AccessTokenInfo!
  }

  extend type Query {
    users: [TenantUser!]!
    "the built-in roles (owner, network-admin, viewer) and the tenant's own"
    roles: [Role!]!
    "the caller's tokens (every user's for those who may list users)"
    accessTokens: [AccessTokenInfo!]!
  }

  extend type Mutation {
    "invites a user by email with role bindings; answers the one-time token once"
    inviteUser(email: String!, roleBindings: [String!]!): Invitation!
    "no token needed: trades an invitation token for a user and its access token"
    acceptInvitation(token: String!, name: String): AcceptedInvitation!
    removeUser(userId: ID!): Boolean!
    "replaces the user's role bindings"
    setUserRoles(userId: ID!, roles: [String!]!): [String!]!
    "a custom role, such as a tier editor; it cannot grant more than the caller may do"
    createRole(name: String!, rules: [RoleRuleInput!]!): Role!
    deleteRole(name: String!): Boolean!
    "a token of the caller; roles bind it to narrower roles"
    createAccessToken(name: String!, roles: [String!], expiresAt: String): IssuedAccessToken!
    revokeAccessToken(id: ID!): Boolean!
  }
`;
