import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

/**
 * Refuses queries nested deeper than `maxDepth` or costlier than `maxCost` before anything runs. Cost is one
 * per field; a field with a `first` or `limit` argument multiplies what is below it by that number (or by
 * `defaultPage` when a variable or nothing gives it), so a wide list of deep lists is expensive.
 */
export function queryLimits(maxDepth: number, maxCost: number, defaultPage = 100): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

    const measure = (set: SelectionSetNode, depth: number, seen: Set<string>): { depth: number; cost: number } => {
      let deepest = depth;
      let cost = 0;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          if (s.name.value.startsWith("__")) continue;
          let multiplier = 1;
          for (const a of s.arguments ?? []) {
            if (a.name.value === "first" || a.name.value === "limit") {
              multiplier = a.value.kind === Kind.INT ? Math.max(1, Number(a.value.value)) : defaultPage;
            }
          }
          if (s.selectionSet) {
            const inner = measure(s.selectionSet, depth + 1, seen);
            deepest = Math.max(deepest, inner.depth);
            cost += 1 + multiplier * inner.cost;
          } else {
            cost += 1;
          }
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          const inner = measure(s.selectionSet, depth, seen);
          deepest = Math.max(deepest, inner.depth);
          cost += inner.cost;
        } else {
          const f = fragments.get(s.name.value);
          if (!f || seen.has(f.name.value)) continue; // cycles are reported by graphql's own rules
          const inner = measure(f.selectionSet, depth, new Set([...seen, f.name.value]));
          deepest = Math.max(deepest, inner.depth);
          cost += inner.cost;
        }
      }
      return { depth: deepest, cost };
    };

    return {
      OperationDefinition(node) {
        const { depth, cost } = measure(node.selectionSet, 1, new Set());
        if (depth > maxDepth) {
          context.reportError(new GraphQLError(`query is nested ${depth} levels deep; the limit is ${maxDepth}`, { nodes: [node] }));
        }
        if (cost > maxCost) {
          context.reportError(new GraphQLError(`query costs ${cost}; the limit is ${maxCost} (one per field, times the page size of lists)`, { nodes: [node] }));
        }
      },
    };
  };
}
