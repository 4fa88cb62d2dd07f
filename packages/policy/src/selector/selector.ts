import { keysOf, usesGlobal } from "./ast.ts";
import type { SelectorNode } from "./ast.ts";
import { printCanonical } from "./canonical.ts";
import { compileMatcher } from "./matcher.ts";

export type Labels = Readonly<Record<string, string>>;

export interface Selector {
  /** true when the labels satisfy the selector */
  matches(labels: Labels): boolean;
  /** canonical text: equal selectors print equally; parseSelector(s.canonical).canonical === s.canonical */
  readonly canonical: string;
  /** the selector is `all()` (or empty) */
  readonly isAll: boolean;
  /** the selector contains global() */
  readonly usesGlobal: boolean;
  /** label keys the selector reads (for indexing), sorted; global() reads projectcalico.org/namespace */
  readonly keys: readonly string[];
}

/** A parsed selector with its matcher compiled once; immutable, so it can be shared through the cache. */
export class CompiledSelector implements Selector {
  readonly matches: (labels: Labels) => boolean;
  readonly canonical: string;
  readonly isAll: boolean;
  readonly usesGlobal: boolean;
  readonly keys: readonly string[];

  constructor(tree: SelectorNode) {
    this.matches = compileMatcher(tree);
    this.canonical = printCanonical(tree);
    this.isAll = tree.kind === "all";
    this.usesGlobal = usesGlobal(tree);
    this.keys = Object.freeze(keysOf(tree));
    Object.freeze(this);
  }

  toString(): string {
    return this.canonical;
  }
}
