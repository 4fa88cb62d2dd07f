import { describe, expect, it } from "vitest";
import { VerdictCache } from "./verdict-cache.ts";
import type { SideVerdict } from "./walk.ts";

const side = (n: number): SideVerdict => ({ action: n % 2 === 0 ? "allow" : "deny", policies: [`${n}`] });

describe("VerdictCache", () => {
  it("returns what was stored under exactly the same three key words, nothing for any other key", () => {
    const cache = new VerdictCache(100);
    cache.set(1, 2, 3, side(1));
    expect(cache.get(1, 2, 3)).toEqual(side(1));
    expect(cache.get(1, 2, 4)).toBeUndefined();
    expect(cache.get(2, 1, 3)).toBeUndefined();
    expect(cache.get(0, 0, 0)).toBeUndefined();
  });

  it("keeps every entry while growing up to its bound", () => {
    const cache = new VerdictCache(50_000);
    for (let i = 0; i < 50_000; i++) cache.set(i, i * 7, i % 13, side(i));
    const wrong = [];
    for (let i = 0; i < 50_000; i++) if (cache.get(i, i * 7, i % 13)?.policies[0] !== `${i}`) wrong.push(i);
    expect(wrong).toEqual([]);
  });

  it("stays within its bound by forgetting, never by answering wrongly", () => {
    const cache = new VerdictCache(1_000);
    for (let i = 0; i < 10_000; i++) cache.set(i, 0, 0, side(i));
    let kept = 0;
    for (let i = 0; i < 10_000; i++) {
      const v = cache.get(i, 0, 0);
      if (v !== undefined) {
        kept++;
        expect(v.policies[0]).toBe(`${i}`);
      }
    }
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(1_000);
  });
});
