import { describe, expect, it } from "vitest";
import { LruCache } from "./cache.ts";
import { clearSelectorCache, parseSelector, SelectorSyntaxError, tryParseSelector } from "./index.ts";

describe("parseSelector", () => {
  it("returns the same compiled object when the same text is parsed twice", () => {
    const text = `app == 'x' && role in {'a','b'}`;
    expect(parseSelector(text)).toBe(parseSelector(text));
  });

  it("shares one compiled object between spellings of the same selector", () => {
    expect(parseSelector(`tier=='web'`)).toBe(parseSelector(`tier == "web"`));
  });

  it("compiles again after the cache is cleared, with the same meaning", () => {
    const first = parseSelector(`has(zone)`);
    clearSelectorCache();
    const second = parseSelector(`has(zone)`);
    expect(second).not.toBe(first);
    expect(second.canonical).toBe(first.canonical);
  });

  it("throws SelectorSyntaxError for bad text every time, never caching a failure as a selector", () => {
    expect(() => parseSelector(`a ==`)).toThrow(SelectorSyntaxError);
    expect(() => parseSelector(`a ==`)).toThrow(`expected a value after '==' at column 5`);
  });
});

describe("tryParseSelector", () => {
  it("returns the selector or the syntax error instead of throwing", () => {
    const good = tryParseSelector(`has(a)`);
    expect("selector" in good && good.selector.matches({ a: "" })).toBe(true);
    const bad = tryParseSelector(`has(a) &&`);
    expect("error" in bad && bad.error.column).toBe(10);
  });
});

describe("LruCache", () => {
  it("holds at most its capacity, forgetting the least recently used entry", () => {
    const cache = new LruCache<number>(3);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3);
    expect(cache.get("a")).toBe(1); // a is now the most recently used
    cache.set("d", 4);
    expect(cache.size).toBe(3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.get("d")).toBe(4);
  });

  it("keeps the selector cache bounded under many distinct selectors", () => {
    clearSelectorCache();
    const first = parseSelector(`k == "0"`);
    for (let i = 1; i <= 10_000; i++) parseSelector(`k == "${i}"`);
    // Each selector occupies its text and its canonical key; the first one has long been evicted.
    expect(parseSelector(`k == "0"`)).not.toBe(first);
  });
});
