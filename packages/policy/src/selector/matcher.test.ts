import { describe, expect, it } from "vitest";
import type { SelectorNode } from "./ast.ts";
import { NAMESPACE_LABEL } from "./ast.ts";
import { parseSelector } from "./index.ts";
import type { Labels } from "./index.ts";
import { evaluateTree } from "./reference-evaluator.ts";

// Generated selectors, written out with random spacing, quotes and spellings, must match exactly what
// a direct walk of the generated tree says, and their canonical text must be stable.

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ["a", "b", "app", "k8s.io/role", "constructor", NAMESPACE_LABEL];
const VALUES = ["", "x", "y", "xy", "yx", "it's", 'say "hi"', "é"];

function generator(rand: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const space = () => pick(["", " ", "  ", "\t"]);
  const quote = (value: string) => {
    if (value.includes('"')) return `'${value}'`;
    if (value.includes("'")) return `"${value}"`;
    return pick([`'${value}'`, `"${value}"`]);
  };

  const tree = (depth: number): SelectorNode => {
    const roll = rand();
    if (depth > 0 && roll < 0.3) {
      const operands = Array.from({ length: 2 + Math.floor(rand() * 3) }, () => tree(depth - 1));
      return { kind: pick(["and", "or"] as const), operands };
    }
    if (depth > 0 && roll < 0.4) return { kind: "not", operand: tree(depth - 1) };
    const key = pick(KEYS);
    switch (pick(["has", "value", "value", "set", "all", "global"] as const)) {
      case "has":
        return { kind: "has", key };
      case "all":
        return { kind: "all" };
      case "global":
        return { kind: "global" };
      case "value":
        return { kind: pick(["==", "!=", "contains", "starts with", "ends with"] as const), key, value: pick(VALUES) };
      case "set":
        return { kind: pick(["in", "not in"] as const), key, values: VALUES.filter(() => rand() < 0.4) };
    }
  };

  const operatorSpelling: Record<string, () => string> = {
    "==": () => "==",
    "!=": () => "!=",
    contains: () => "contains",
    "starts with": () => pick(["starts with", "startswith", "starts  with"]),
    "ends with": () => pick(["ends with", "endswith"]),
    in: () => "in",
    "not in": () => pick(["not in", "notin", "not\tin"]),
  };
  // Word operators need a space after the label; symbols do not.
  const afterLabel = (op: string) => (/^[a-z]/.test(op) ? pick([" ", "  "]) : space());

  const write = (node: SelectorNode): string => {
    switch (node.kind) {
      case "all":
        return pick(["all()", "all( )"]);
      case "global":
        return "global()";
      case "has":
        return `has(${space()}${node.key}${space()})`;
      case "not":
        // ! binds to one operation, so anything bigger needs parentheses.
        return `!${space()}(${space()}${write(node.operand)}${space()})`;
      case "and":
      case "or": {
        const joiner = node.kind === "and" ? "&&" : "||";
        return `(${node.operands.map(write).join(`${space()}${joiner}${space()}`)})`;
      }
      case "in":
      case "not in": {
        const op = operatorSpelling[node.kind]!();
        const values = [...node.values].sort(() => rand() - 0.5).map(quote);
        return `${node.key}${afterLabel(op)}${op}${space()}{${space()}${values.join(`${space()},${space()}`)}${space()}}`;
      }
      default: {
        const op = operatorSpelling[node.kind]!();
        return `${node.key}${afterLabel(op)}${op}${space()}${quote(node.value)}`;
      }
    }
  };

  const labels = (): Labels => {
    const result: Record<string, string> = {};
    for (const key of KEYS) if (rand() < 0.5) result[key] = pick(VALUES);
    return result;
  };

  return { tree, write, labels };
}

describe("compiled matcher", () => {
  it("agrees with a direct walk of the tree on 3,000 generated selectors and their canonical forms", () => {
    const rand = random(20261128);
    const gen = generator(rand);
    const labelSets = Array.from({ length: 40 }, gen.labels);
    for (let i = 0; i < 3000; i++) {
      const tree = gen.tree(3);
      const text = gen.write(tree);
      const selector = parseSelector(text);
      const again = parseSelector(gen.write(tree));
      expect(again.canonical, text).toBe(selector.canonical);
      expect(parseSelector(selector.canonical).canonical, text).toBe(selector.canonical);
      for (const labels of labelSets) {
        const expected = evaluateTree(tree, labels);
        expect(selector.matches(labels), `${text} on ${JSON.stringify(labels)}`).toBe(expected);
      }
    }
  });

  it("reads labels without changing them", () => {
    const labels = Object.freeze({ app: "web", role: "db" });
    expect(parseSelector(`app == "web" && role in {"a", "b", "c", "db"}`).matches(labels)).toBe(true);
  });

  it("works on labels objects without a prototype", () => {
    const labels = Object.assign(Object.create(null) as Record<string, string>, { app: "web" });
    expect(parseSelector(`app == "web" && !has(constructor)`).matches(labels)).toBe(true);
  });
});
