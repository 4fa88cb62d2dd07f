import { describe, expect, it } from "vitest";
import { firstFreeSlug, slugify } from "./slugs.ts";

describe("tenant slugs", () => {
  it("are made from the company name", () => {
    expect(slugify("ACME Logistics, Inc.")).toBe("acme-logistics-inc");
    expect(slugify("Société Générale")).toBe("societe-generale");
    expect(slugify("!!!")).toBe("tenant");
  });
  it("get a number when the name is taken", () => {
    expect(firstFreeSlug("acme", new Set())).toBe("acme");
    expect(firstFreeSlug("acme", new Set(["acme", "acme-2"]))).toBe("acme-3");
  });
});
