// The Calico selector language (libcalico-go lib/selector): parse once, match fast.
// tokenizer.ts -> parser.ts (tree in ast.ts) -> matcher.ts (closures) and canonical.ts (printed form);
// parse.ts interns compiled selectors; reference-evaluator.ts is the slow, obvious walk tests compare to.
export type { Labels, Selector } from "./selector.ts";
export { SelectorSyntaxError } from "./syntax-error.ts";
export { parseSelector, tryParseSelector, clearSelectorCache, SELECTOR_CACHE_CAPACITY } from "./parse.ts";
