import { GenerationalCache } from "./cache.ts";
import { parseSelectorTree } from "./parser.ts";
import { CompiledSelector } from "./selector.ts";
import type { Selector } from "./selector.ts";
import { SelectorSyntaxError } from "./syntax-error.ts";

export const SELECTOR_CACHE_CAPACITY = 10_000;

// Policies repeat the same few selectors; keyed by source text and by canonical text, so that equal
// selectors written differently also share one compiled object while both are cached.
const cache = new GenerationalCache<Selector>(SELECTOR_CACHE_CAPACITY);

/** Parses and compiles a Calico selector; throws SelectorSyntaxError. The same text gives the same object. */
export function parseSelector(text: string): Selector {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const compiled = new CompiledSelector(parseSelectorTree(text));
  const selector = cache.get(compiled.canonical) ?? compiled;
  cache.set(compiled.canonical, selector);
  cache.set(text, selector);
  return selector;
}

export function tryParseSelector(text: string): { selector: Selector } | { error: SelectorSyntaxError } {
  try {
    return { selector: parseSelector(text) };
  } catch (error) {
    if (error instanceof SelectorSyntaxError) return { error };
    throw error;
  }
}

/** Empties the interning cache (tests and long-lived processes that want the memory back). */
export function clearSelectorCache(): void {
  cache.clear();
}
