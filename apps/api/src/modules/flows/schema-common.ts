/**
 * The flows module's shared GraphQL types (issue 7 contract): enums and filter inputs used by the graph, the board,
 * flow log search, export and the live subscription. Enum values are the strings core's FlowFilterInput takes, so a
 * resolver passes the input through unchanged.
 */
export const flowsCommonTypeDefs = /* GraphQL */ `
  enum FlowGraphView { NAMESPACE NAME STATUS }
  enum FlowEndpointType { WEP HEP NS NET }
  enum FlowAction { ALLOW DENY }
  enum FlowEdgeAction { ALLOW DENY MIXED }
  enum FlowReporter { SRC DST }
  enum PolicyHitAction { ALLOW DENY PASS }
  enum FlowDataSource { RAW ROLLUP }
  enum FlowLogSort { TIME_DESC TIME_ASC COUNT_DESC }
  enum FlowExportFormat { CSV JSONL }
  enum FlowExportStatus { QUEUED RUNNING DONE FAILED }

  "a policy hit: tier and/or policy (its Calico flow-log name, e.g. storefront/default.trusted, or bare default.trusted) and/or action"
  input PolicyHitFilter {
    tier: String
    name: String
    action: PolicyHitAction
    "deciding hit only (default true)"
    deciding: Boolean
  }

  "every list is OR within itself, AND across fields; namespaces and names match either end"
  input FlowFilter {
    namespaces: [String!]
    sourceNamespaces: [String!]
    destNamespaces: [String!]
    "aggregated names (source_name_aggr / dest_name_aggr); a trailing * is a prefix match"
    names: [String!]
    sourceNames: [String!]
    destNames: [String!]
    endpointTypes: [FlowEndpointType!]
    actions: [FlowAction!]
    ports: [Int!]
    protocols: [String!]
    reporter: FlowReporter
    policy: PolicyHitFilter
    "Calico selector over the source's labels"
    sourceSelector: String
    destSelector: String
  }

  "FlowFilter's fields plus any Calico flow-log field, Kibana-style"
  input FlowLogFilter {
    namespaces: [String!]
    sourceNamespaces: [String!]
    destNamespaces: [String!]
    names: [String!]
    sourceNames: [String!]
    destNames: [String!]
    endpointTypes: [FlowEndpointType!]
    actions: [FlowAction!]
    ports: [Int!]
    protocols: [String!]
    reporter: FlowReporter
    policy: PolicyHitFilter
    sourceSelector: String
    destSelector: String
    "any field of the record by its Calico name (e.g. dest_service_name, host, source_ip): value in values, or not when negate"
    fields: [FlowFieldMatch!]
  }

  input FlowFieldMatch {
    field: String!
    values: [String!]!
    negate: Boolean
  }
`;
