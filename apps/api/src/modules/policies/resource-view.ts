import { resourceOf, yamlOfRow, type ResourceRow } from "@palisade/core";
import { GraphQLScalarType, Kind, type ValueNode } from "graphql";

type Spec = {
  selector?: string;
  types?: string[];
  policyTypes?: string[];
  stagedAction?: string;
  defaultAction?: string;
  nets?: string[];
  ingress?: unknown[];
  egress?: unknown[];
};

const spec = (row: ResourceRow) => ((resourceOf(row) as { spec?: Spec }).spec ?? {}) as Spec;

/** Field resolvers of PolicyResource over a stored row. */
export const policyResourceFields: Record<string, (r: ResourceRow) => unknown> = {
  namespace: (r: ResourceRow) => r.namespace || null,
  order: (r: ResourceRow) => (r.order === null ? null : Number(r.order)),
  labels: (r: ResourceRow) => resourceOf(r).metadata.labels ?? null,
  selector: (r: ResourceRow) => spec(r).selector ?? null,
  types: (r: ResourceRow) => spec(r).types ?? spec(r).policyTypes ?? null,
  stagedAction: (r: ResourceRow) => spec(r).stagedAction ?? null,
  defaultAction: (r: ResourceRow) => spec(r).defaultAction ?? null,
  nets: (r: ResourceRow) => spec(r).nets ?? null,
  ingressRules: (r: ResourceRow) => spec(r).ingress?.length ?? 0,
  egressRules: (r: ResourceRow) => spec(r).egress?.length ?? 0,
  resource: (r: ResourceRow) => resourceOf(r),
  yaml: (r: ResourceRow) => yamlOfRow(r),
  createdAt: (r: ResourceRow) => new Date(r.createdAt).toISOString(),
  updatedAt: (r: ResourceRow) => new Date(r.updatedAt).toISOString(),
};

function literal(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value)]));
    case Kind.LIST:
      return ast.values.map(literal);
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.STRING:
    case Kind.ENUM:
      return ast.value;
    case Kind.BOOLEAN:
      return ast.value;
    default:
      return null;
  }
}

export const JSONObject = new GraphQLScalarType({
  name: "JSONObject",
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: literal,
});

export function connectionOf<T>(page: { nodes: T[]; cursors: string[]; hasNextPage: boolean; totalCount?: number }) {
  return {
    edges: page.nodes.map((node, i) => ({ node, cursor: page.cursors[i]! })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.cursors.at(-1) ?? null },
    totalCount: page.totalCount ?? page.nodes.length,
  };
}
