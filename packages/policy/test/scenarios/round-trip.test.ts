import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeResource, parseResources, serializeResources, validateResource } from "../../src/index.ts";
import { fixturePath } from "../support/fixtures.ts";

const FILES = [
  "storefront/00-cluster.yaml",
  "storefront/01-environment.yaml",
  "storefront/10-lab1-twilio-integration.yaml",
  "storefront/20-lab3-zones.yaml",
  "storefront/30-lab3-pci-whitelist.yaml",
  "storefront/40-lab2-rogue.yaml",
  "stars/11-allow-ui.yaml",
  "stars/20-backend-policy.yaml",
  "cli/staged.yaml",
];

describe("scenario manifests through parse, normalise and serialise", () => {
  for (const file of FILES) {
    it(`${file}: normalised resources stay valid and survive serialise then parse unchanged`, () => {
      const { resources, errors } = parseResources(readFileSync(fixturePath(file), "utf8"));
      expect(errors).toEqual([]);
      const normalized = resources.map(normalizeResource);
      for (const r of normalized) expect(validateResource(r)).toEqual([]);
      const again = parseResources(serializeResources(normalized));
      expect(again.errors).toEqual([]);
      expect(again.resources).toEqual(normalized);
    });
  }
});
