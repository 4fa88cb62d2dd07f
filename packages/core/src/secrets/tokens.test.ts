import { describe, expect, it } from "vitest";
import { generateSecret, hashSecret, isSecretOfKind, secretPrefix, secretsEqual } from "./tokens.ts";

describe("secrets", () => {
  it("are recognisable by kind and never repeat", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateSecret("pat")));
    expect(seen.size).toBe(1000);
    for (const s of seen) expect(isSecretOfKind(s, "pat")).toBe(true);
    expect(isSecretOfKind(generateSecret("reg"), "pat")).toBe(false);
  });

  it("are stored as a hash that matches only the same secret", () => {
    const s = generateSecret("pat");
    expect(secretsEqual(hashSecret(s), s)).toBe(true);
    expect(secretsEqual(hashSecret(s), generateSecret("pat"))).toBe(false);
    expect(secretPrefix(s)).toBe(s.slice(0, 12));
    expect(secretPrefix(s).startsWith("pat_")).toBe(true);
  });
});
