export const auditTypeDefs = /* GraphQL */ `
  enum AuditOutcome { ALLOWED REFUSED }
  enum AlertChannel { WEBHOOK EMAIL }
  enum AlertDeliveryStatus { PENDING DELIVERED FAILED }

  type AuditActor {
    "user (through one of its access tokens)"
    kind: String!
    id: String
    "the user's email"
    display: String!
  }

  "one change (or refused change) on the record; append-only and hash-chained per tenant"
  type AuditEvent {
    id: ID!
    "position in the tenant's chain, from 1, without gaps"
    seq: Float!
    at: String!
    actor: AuditActor!
    sourceAddress: String
    requestId: String
    "create, update, delete, move, promote or apply"
    verb: String!
    kind: String!
    clusterId: ID
    namespace: String
    name: String
    tier: String
    beforeYaml: String
    afterYaml: String
    revision: Int
    outcome: AuditOutcome!
    "why a change was refused"
    reason: String
    hash: String!
  }

  type AuditEventEdge { cursor: String!, node: AuditEvent! }
  type AuditEventConnection { edges: [AuditEventEdge!]!, pageInfo: ResourcePageInfo! }

  input AuditEventFilter {
    clusterId: ID
    kind: String
    namespace: String
    name: String
    tier: String
    "the actor's email or id"
    actor: String
    verb: String
    outcome: AuditOutcome
    "ISO time, inclusive"
    from: String
    "ISO time, exclusive"
    to: String
  }

  type BrokenLink { seq: Float!, reason: String! }
  type ChainVerification {
    ok: Boolean!
    "events checked before the first broken link (all of them when ok)"
    checked: Int!
    firstBroken: BrokenLink
  }

  type AlertDelivery {
    id: ID!
    eventId: ID!
    status: AlertDeliveryStatus!
    attempts: Int!
    lastError: String
    deliveredAt: String
    createdAt: String!
  }

  type AlertRule {
    id: ID!
    filter: JSONObject!
    channel: AlertChannel!
    target: String!
    createdAt: String!
    "the latest deliveries (up to 100), newest first, with their attempts"
    deliveries: [AlertDelivery!]!
  }

  extend type Query {
    "the tenant's audit events the caller may see, newest first"
    auditEvents(filter: AuditEventFilter, first: Int = 50, after: String): AuditEventConnection!
    "walks the tenant's chain and reports the first broken link"
    verifyAuditChain: ChainVerification!
    alertRules: [AlertRule!]!
  }

  extend type Mutation {
    "events matching the filter are delivered to the target by a job with retries and backoff"
    createAlertRule(filter: AuditEventFilter, channel: AlertChannel!, target: String!): AlertRule!
    deleteAlertRule(id: ID!): Boolean!
  }

  extend type Subscription {
    "each new event the caller may see and the filter matches, as it is written, from any API process"
    auditEvents(filter: AuditEventFilter): AuditEvent!
  }
`;
