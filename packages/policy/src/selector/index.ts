export type { Labels, Selector } from "./selector.ts";
export { SelectorSyntaxError } from "./syntax-error.ts";
export { parseSelector, tryParseSelector, clearSelectorCache, SELECTOR_CACHE_CAPACITY } from "./parse.ts";
