import type { SelectorNode } from "./ast.ts";

/**
 * Prints a tree the way libcalico-go's Selector.String() does: single spaces around operators, `!` glued
 * to its operand, every `&&`/`||` group in parentheses (the top level too), set values sorted, and each
 * value in double quotes unless it contains one (values cannot be escaped, so single quotes then).
 */
export function printCanonical(node: SelectorNode): string {
  switch (node.kind) {
    case "all":
      return "all()";
    case "global":
      return "global()";
    case "has":
      return `has(${node.key})`;
    case "not":
      return `!${printCanonical(node.operand)}`;
    case "and":
      return `(${node.operands.map(printCanonical).join(" && ")})`;
    case "or":
      return `(${node.operands.map(printCanonical).join(" || ")})`;
    case "in":
    case "not in":
      return `${node.key} ${node.kind} {${node.values.map(quote).join(", ")}}`;
    default:
      return `${node.key} ${node.kind} ${quote(node.value)}`;
  }
}

function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}
