/** The parsed form of a selector, as libcalico-go's parser builds it. */
export type SelectorNode =
  | { readonly kind: "all" }
  | { readonly kind: "global" }
  | { readonly kind: "has"; readonly key: string }
  | { readonly kind: ValueOperator; readonly key: string; readonly value: string }
  | { readonly kind: SetOperator; readonly key: string; readonly values: readonly string[] }
  | { readonly kind: "not"; readonly operand: SelectorNode }
  | { readonly kind: "and" | "or"; readonly operands: readonly SelectorNode[] };

export type ValueOperator = "==" | "!=" | "contains" | "starts with" | "ends with";
export type SetOperator = "in" | "not in";

/**
 * Global resources (GlobalNetworkSet, HostEndpoint) carry no namespace label; `global()` is true for them.
 * libcalico-go's GlobalNode evaluates true for anything and gets its meaning when a rule with
 * `namespaceSelector: global()` is converted; testing the label here gives that meaning to the selector
 * itself, and the evaluator still special-cases the rule through Selector.usesGlobal.
 */
export const NAMESPACE_LABEL = "projectcalico.org/namespace";

export function negate(node: SelectorNode): SelectorNode {
  // `!(!x)` is x; folding it keeps the canonical text stable (Calico prints it as `!!x`, which its own
  // parser reads back as x).
  return node.kind === "not" ? node.operand : { kind: "not", operand: node };
}

/** Sorted by UTF-8 bytes (code points), duplicates dropped, as Calico's StringSet orders a set literal. */
export function toSortedSet(values: readonly string[]): string[] {
  const sorted = [...values].sort(compareCodePoints);
  return sorted.filter((value, i) => i === 0 || value !== sorted[i - 1]);
}

function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** The label keys a node reads, sorted, each once. */
export function keysOf(node: SelectorNode): string[] {
  const keys = new Set<string>();
  const visit = (n: SelectorNode): void => {
    switch (n.kind) {
      case "all":
        return;
      case "global":
        keys.add(NAMESPACE_LABEL);
        return;
      case "not":
        return visit(n.operand);
      case "and":
      case "or":
        return n.operands.forEach(visit);
      default:
        keys.add(n.key);
    }
  };
  visit(node);
  return [...keys].sort(compareCodePoints);
}

export function usesGlobal(node: SelectorNode): boolean {
  switch (node.kind) {
    case "global":
      return true;
    case "not":
      return usesGlobal(node.operand);
    case "and":
    case "or":
      return node.operands.some(usesGlobal);
    default:
      return false;
  }
}
