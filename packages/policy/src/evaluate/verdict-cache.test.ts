import { describe, expect, it } from "vitest";
import { VerdictCache } from "./verdict-cache.ts";

describe("VerdictCache", () => {
  it("returns what was stored under exactly the same three key words, -1 for any other key", () => {
    const cache = new VerdictCache(100);
    cache.set(1, 2, 3, 42);
    expect(cache.get(1, 2, 3)).toBe(42);
    expect(cache.get(1, 2, 4)).toBe(-1);
    expect(cache.get(2, 1, 3)).toBe(-1);
    expect(cache.get(0, 0, 0)).toBe(-1);
  });

  it("keeps every entry while growing up to its bound", () => {
    const cache = new VerdictCache(50_000);
    for (let i = 0; i < 50_000; i++) cache.set(i, i * 7, i % 13, i);
    const wrong = [];
    for (let i = 0; i < 50_000; i++) if (cache.get(i, i * 7, i % 13) !== i) wrong.push(i);
    expect(wrong).toEqual([]);
  });

  it("stays within its bound by forgetting, never by answering wrongly", () => {
    const cache = new VerdictCache(1_000);
    for (let i = 0; i < 10_000; i++) cache.set(i, 0, 0, i);
    let kept = 0;
    const wrong = [];
    for (let i = 0; i < 10_000; i++) {
      const v = cache.get(i, 0, 0);
      if (v !== -1) {
        kept++;
        if (v !== i) wrong.push(i);
      }
    }
    expect(wrong).toEqual([]);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(1_000);
  });
});
