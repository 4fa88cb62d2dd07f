import { describe, expect, it } from "vitest";
import { compileDomainPattern, domainPatternError } from "./domains.ts";

describe("domain patterns", () => {
  it.each([
    ["*.example.com", "a.example.com", true],
    ["*.example.com", "a.b.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "aexample.com", false],
    ["api.*.example.com", "api.eu.west.example.com", true],
    ["api.*.example.com", "api.example.com", false],
    ["api.example.com", "API.EXAMPLE.COM", true],
    ["api.example.com", "api.example.com.", true],
    ["api.example.com", "x.api.example.com", false],
  ])("%s against %s is %s", (pattern, name, expected) => {
    expect(compileDomainPattern(pattern)(name)).toBe(expected);
  });

  it("accepts at most one '*', standing for a whole label that is not the last", () => {
    expect(domainPatternError("*.twilio.com")).toBeUndefined();
    expect(domainPatternError("example.*")).toMatch(/last label/);
    expect(domainPatternError("*")).toMatch(/last label/);
    expect(domainPatternError("*.*.com")).toMatch(/at most one/);
    expect(domainPatternError("ex*ample.com")).toMatch(/whole label/);
    expect(domainPatternError("bad_label.com")).toMatch(/not a valid domain/);
  });
});
