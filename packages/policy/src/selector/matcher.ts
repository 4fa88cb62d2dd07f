import { NAMESPACE_LABEL } from "./ast.ts";
import type { SelectorNode } from "./ast.ts";
import type { Labels } from "./selector.ts";

export type Matcher = (labels: Labels) => boolean;

/**
 * Compiles a tree into nested closures, each specialised for its operator and operand count, so a match
 * is a few property reads and comparisons with no allocation.
 *
 * A label is present when `labels[key]` is a string. Reading through the object (not `Object.hasOwn`) is
 * what makes this fast, and it stays correct for keys such as `constructor` or `__proto__`: what a plain
 * object inherits for them is never a string, so it counts as absent.
 */
export function compileMatcher(node: SelectorNode): Matcher {
  switch (node.kind) {
    case "all":
      return matchAll;
    case "global": {
      const key = NAMESPACE_LABEL;
      return (labels) => typeof labels[key] !== "string";
    }
    case "has": {
      const key = internalize(node.key);
      return (labels) => typeof labels[key] === "string";
    }
    case "==": {
      const key = internalize(node.key);
      const value = internalize(node.value);
      return (labels) => labels[key] === value;
    }
    case "!=": {
      // True when the label is absent, as in Calico.
      const key = internalize(node.key);
      const value = internalize(node.value);
      return (labels) => labels[key] !== value;
    }
    case "contains": {
      const key = internalize(node.key);
      const value = node.value;
      return (labels) => {
        const actual = labels[key];
        return typeof actual === "string" && actual.includes(value);
      };
    }
    case "starts with": {
      const key = internalize(node.key);
      const value = node.value;
      return (labels) => {
        const actual = labels[key];
        return typeof actual === "string" && actual.startsWith(value);
      };
    }
    case "ends with": {
      const key = internalize(node.key);
      const value = node.value;
      return (labels) => {
        const actual = labels[key];
        return typeof actual === "string" && actual.endsWith(value);
      };
    }
    case "in":
      return compileIn(node.key, node.values);
    case "not in": {
      // True when the label is absent, as in Calico.
      const inSet = compileIn(node.key, node.values);
      return (labels) => !inSet(labels);
    }
    case "not": {
      const operand = compileMatcher(node.operand);
      return (labels) => !operand(labels);
    }
    case "and":
      return compileAnd(node.operands.map(compileMatcher));
    case "or":
      return compileOr(node.operands.map(compileMatcher));
  }
}

const matchAll: Matcher = () => true;
const matchNone: Matcher = () => false;

function compileIn(rawKey: string, values: readonly string[]): Matcher {
  const key = internalize(rawKey);
  const [a, b, c] = values.map(internalize);
  switch (values.length) {
    case 0:
      return matchNone;
    case 1:
      return (labels) => labels[key] === a;
    case 2:
      return (labels) => {
        const actual = labels[key];
        return actual === a || actual === b;
      };
    case 3:
      return (labels) => {
        const actual = labels[key];
        return actual === a || actual === b || actual === c;
      };
    default: {
      // Set#has of a missing label (undefined) or an inherited non-string is simply false.
      const set: ReadonlySet<unknown> = new Set(values);
      return (labels) => set.has(labels[key]);
    }
  }
}

function compileAnd(operands: readonly Matcher[]): Matcher {
  const [a, b, c] = operands as [Matcher, Matcher, Matcher];
  switch (operands.length) {
    case 2:
      return (labels) => a(labels) && b(labels);
    case 3:
      return (labels) => a(labels) && b(labels) && c(labels);
    default:
      return (labels) => {
        for (let i = 0; i < operands.length; i++) if (!operands[i]!(labels)) return false;
        return true;
      };
  }
}

function compileOr(operands: readonly Matcher[]): Matcher {
  const [a, b, c] = operands as [Matcher, Matcher, Matcher];
  switch (operands.length) {
    case 2:
      return (labels) => a(labels) || b(labels);
    case 3:
      return (labels) => a(labels) || b(labels) || c(labels);
    default:
      return (labels) => {
        for (let i = 0; i < operands.length; i++) if (operands[i]!(labels)) return true;
        return false;
      };
  }
}

/**
 * Returns the engine's canonical copy of a string. Keys and values sliced out of the selector text are
 * not interned; interned ones make the keyed property loads and comparisons in the hot path cheaper.
 */
function internalize(text: string): string {
  return Object.keys({ [text]: 0 })[0]!;
}
