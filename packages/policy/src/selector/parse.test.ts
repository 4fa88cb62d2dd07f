import { describe, expect, it } from "vitest";
import { GenerationalCache } from "./cache.ts";
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

describe("GenerationalCache", () => {
  it("never holds more than its capacity", () => {
    const cache = new GenerationalCache<number>(10);
    for (let i = 0; i < 1000; i++) {
      cache.set(`k${i}`, i);
      expect(cache.size).toBeLessThanOrEqual(10);
    }
    expect(cache.get("k999")).toBe(999);
    expect(cache.get("k0")).toBeUndefined();
  });

  it("keeps an entry that is read while newer ones arrive, and forgets one that is not", () => {
    const cache = new GenerationalCache<number>(4);
    cache.set("read", 1);
    cache.set("unread", 2);
    for (let i = 0; i < 20; i++) {
      expect(cache.get("read")).toBe(1);
      cache.set(`new${i}`, i);
    }
    expect(cache.get("read")).toBe(1);
    expect(cache.get("unread")).toBeUndefined();
  });
});

describe("selector cache", () => {
  it("keeps the selector cache bounded under many distinct selectors", () => {
    clearSelectorCache();
    const first = parseSelector(`k == "0"`);
    for (let i = 1; i <= 10_000; i++) parseSelector(`k == "${i}"`);
    // Each selector occupies its text and its canonical key; the first one has long been evicted.
    expect(parseSelector(`k == "0"`)).not.toBe(first);
  });
});
