import { NAMESPACE_LABEL } from "./ast.ts";
import type { SelectorNode } from "./ast.ts";
import type { Labels } from "./selector.ts";

/**
 * Walks the tree directly, node by node, as libcalico-go's AST does. Slow but obviously right: the tests
 * hold the compiled matcher to it and the benchmark measures against it.
 */
export function evaluateTree(node: SelectorNode, labels: Labels): boolean {
  const get = (key: string): string | undefined => (Object.hasOwn(labels, key) ? labels[key] : undefined);
  switch (node.kind) {
    case "all":
      return true;
    case "global":
      return get(NAMESPACE_LABEL) === undefined;
    case "has":
      return get(node.key) !== undefined;
    case "==":
      return get(node.key) === node.value;
    case "!=":
      return get(node.key) !== node.value;
    case "contains":
      return get(node.key)?.includes(node.value) ?? false;
    case "starts with":
      return get(node.key)?.startsWith(node.value) ?? false;
    case "ends with":
      return get(node.key)?.endsWith(node.value) ?? false;
    case "in": {
      const value = get(node.key);
      return value !== undefined && node.values.includes(value);
    }
    case "not in": {
      const value = get(node.key);
      return value === undefined || !node.values.includes(value);
    }
    case "not":
      return !evaluateTree(node.operand, labels);
    case "and":
      return node.operands.every((operand) => evaluateTree(operand, labels));
    case "or":
      return node.operands.some((operand) => evaluateTree(operand, labels));
  }
}
