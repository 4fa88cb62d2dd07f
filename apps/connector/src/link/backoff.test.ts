import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";

describe("backoffDelay", () => {
  it("doubles the ceiling with each attempt", () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, 100, 10_000, () => 0.999999))).toEqual([99, 199, 399, 799]);
  });

  it("never exceeds the cap, however many attempts", () => {
    expect(backoffDelay(1000, 100, 5000, () => 0.999999)).toBe(4999);
  });

  it("is fully jittered: anywhere from zero up", () => {
    expect(backoffDelay(5, 100, 10_000, () => 0)).toBe(0);
    expect(backoffDelay(5, 100, 10_000, () => 0.5)).toBe(1600);
  });
});
