/** flowExport: a job writes the file; flowExportStatus follows it; GET /flows/exports/<id> downloads it. */
export const flowsExportTypeDefs = /* GraphQL */ `
  type FlowExport {
    id: ID!
    status: FlowExportStatus!
    format: FlowExportFormat!
    "0..1"
    progress: Float!
    "records written so far"
    records: Float!
    "authenticated download (Bearer token), when DONE; offered for a day"
    url: String
    error: String
    createdAt: String!
  }

  extend type Query {
    "an export of the caller's (or any of the tenant's, for a caller who sees every namespace); null when unknown or expired"
    flowExportStatus(id: ID!): FlowExport
  }

  extend type Mutation {
    "writes the flow logs of a window (at most 31 days) to a CSV (every Calico field a column) or JSON Lines file"
    flowExport(clusterId: ID!, from: String!, to: String!, filter: FlowLogFilter, format: FlowExportFormat!): FlowExport!
  }
`;
