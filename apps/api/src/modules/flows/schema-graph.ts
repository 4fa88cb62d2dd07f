/** flowGraph (issue 7 contract); enums and FlowFilter come from schema-common.ts. */
export const flowsGraphTypeDefs = /* GraphQL */ `
  type FlowGraph {
    from: String!
    to: String!
    view: FlowGraphView!
    "ROLLUP: per-minute rollups (windows over an hour, filters they can answer); RAW: the flow records"
    source: FlowDataSource!
    nodes: [FlowGraphNode!]!
    edges: [FlowGraphEdge!]!
  }

  type FlowGraphNode {
    "stable within a view: NAMESPACE ns:storefront / net:pub / ns-set:public...; NAME wep:storefront/frontend-*"
    id: ID!
    "wep | hep | ns | net (ns = a network set, as Calico's flow logs say)"
    type: String!
    namespace: String
    name: String!
    "STATUS view: ALLOW, DENY or MIXED by the flows touching it"
    status: FlowEdgeAction
  }

  "one (source, destination, port, protocol); each connection counted once"
  type FlowGraphEdge {
    source: ID!
    destination: ID!
    port: Int
    protocol: String!
    action: FlowEdgeAction!
    connections: Float!
    allowedConnections: Float!
    deniedConnections: Float!
    packetsIn: Float!
    packetsOut: Float!
    bytesIn: Float!
    bytesOut: Float!
    allowedBytes: Float!
    deniedBytes: Float!
  }

  extend type Query {
    "which endpoints talk to which, over a window of at most 31 days"
    flowGraph(clusterId: ID!, from: String!, to: String!, view: FlowGraphView!, filter: FlowFilter): FlowGraph!
  }
`;
