import { describe, expect, it } from "vitest";
import { Authorizer, type Subject } from "./authorizer.ts";
import { builtinRoles, tierEditorRules } from "./builtin-roles.ts";
import type { RoleRule } from "./rules.ts";

const subject: Subject = { tenantId: "t", userId: "u", tokenId: "k", display: "dev@corp.com", roles: [] };
const as = (rules: readonly RoleRule[], tokenRules: readonly RoleRule[] | null = null) => new Authorizer(subject, rules, tokenRules);

describe("RBAC per tier", () => {
  it("a tier editor may write policies of its tier only, and is told which permission is missing", () => {
    const editor = as(tierEditorRules("default"));
    expect(editor.allowsTiered("create", "tier.networkpolicies", { tier: "default", namespace: "shop" })).toBe(true);
    expect(() => editor.requireTiered("create", "tier.globalnetworkpolicies", { tier: "security" })).toThrow(
      `user "dev@corp.com" cannot create globalnetworkpolicies in tier "security" (user cannot get tier)`,
    );
    // May get the tier but not write the tier itself.
    expect(editor.allows("update", "tiers", { tier: "default" })).toBe(false);
  });

  it("Calico's rule: the verb in the tier is not enough without get on the tier", () => {
    const noGet = as([{ verbs: ["create"], resources: ["tier.networkpolicies"], tiers: ["apps"] }]);
    expect(noGet.allows("create", "tier.networkpolicies", { tier: "apps", namespace: "a" })).toBe(true);
    expect(noGet.allowsTiered("create", "tier.networkpolicies", { tier: "apps", namespace: "a" })).toBe(false);
    const getOnly = as([{ verbs: ["get"], resources: ["tiers"], tiers: ["apps"] }]);
    expect(() => getOnly.requireTiered("delete", "tier.networkpolicies", { tier: "apps", namespace: "a" })).toThrow(
      `cannot delete networkpolicies in tier "apps" in namespace "a" (user cannot delete tier.networkpolicies in tier "apps")`,
    );
  });

  it("a rule limited to namespaces grants nothing cluster-wide", () => {
    const nsEditor = as(tierEditorRules("default", ["shop"]));
    expect(nsEditor.allowsTiered("update", "tier.networkpolicies", { tier: "default", namespace: "shop" })).toBe(true);
    expect(nsEditor.allowsTiered("update", "tier.networkpolicies", { tier: "default", namespace: "bank" })).toBe(false);
    expect(nsEditor.allowsTiered("update", "tier.globalnetworkpolicies", { tier: "default" })).toBe(false);
  });

  it("rules can be limited to clusters", () => {
    const prodOnly = as([{ verbs: ["get", "list"], resources: ["clusters", "auditevents"], clusters: ["prod"] }]);
    expect(prodOnly.allows("list", "auditevents", { clusterId: "prod" })).toBe(true);
    expect(prodOnly.allows("list", "auditevents", { clusterId: "dev" })).toBe(false);
  });

  it("a token bound to roles acts only where both its roles and its user's allow", () => {
    const token = as(builtinRoles.owner!, builtinRoles.viewer!);
    expect(token.allows("list", "users")).toBe(true);
    expect(token.allows("create", "users")).toBe(false);
    const narrowUser = as(builtinRoles.viewer!, builtinRoles.owner!);
    expect(narrowUser.allows("delete", "tiers", { tier: "default" })).toBe(false);
  });

  it("covers: an owner covers any role; a tier editor covers its own tier's rules but not another's or all tiers'", () => {
    expect(as(builtinRoles.owner!).covers(tierEditorRules("security"))).toBe(true);
    const editor = as(tierEditorRules("default"));
    expect(editor.covers(tierEditorRules("default"))).toBe(true);
    expect(editor.covers(tierEditorRules("security"))).toBe(false);
    expect(editor.covers([{ verbs: ["get"], resources: ["tiers"] }])).toBe(false);
    expect(as(builtinRoles["network-admin"]!).covers(builtinRoles.owner!)).toBe(false);
  });
});

describe("flow log visibility", () => {
  it("answers every namespace, the namespaces granted, or none; a token's roles narrow its user's", () => {
    expect(as(builtinRoles.viewer!).namespacesFor("list", "flowlogs", "c1")).toBeNull();
    expect(as(tierEditorRules("default", ["shop", "lab"])).namespacesFor("list", "flowlogs", "c1")).toEqual(["lab", "shop"]);
    expect(as([{ verbs: ["list"], resources: ["flowlogs"], namespaces: ["shop"], clusters: ["c2"] }]).namespacesFor("list", "flowlogs", "c1")).toEqual([]);
    expect(as([{ verbs: ["get"], resources: ["auditevents"] }]).namespacesFor("list", "flowlogs", "c1")).toEqual([]);
    const narrowed = as(builtinRoles.owner!, [{ verbs: ["list"], resources: ["flowlogs"], namespaces: ["shop"] }]);
    expect(narrowed.namespacesFor("list", "flowlogs", "c1")).toEqual(["shop"]);
    const both = as(tierEditorRules("default", ["shop", "lab"]), [{ verbs: ["list"], resources: ["flowlogs"], namespaces: ["lab", "other"] }]);
    expect(both.namespacesFor("list", "flowlogs", "c1")).toEqual(["lab"]);
  });
});
