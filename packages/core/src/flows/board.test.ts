import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Database, Tx } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { parseResources, tierOf } from "@palisade/policy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { seedBuiltinTiers } from "../policies/builtin-tiers.ts";
import { policyBoard, type PolicyBoard, type PolicyBoardArgs, type TierVisibility } from "./board.ts";
import { at, seedFlows, storefrontRound } from "./graph-seed.testing.ts";

let db: Database;
let tenantId: string;
let clusterId: string;
const t0 = Date.UTC(2026, 10, 20, 10, 0, 5) / 1000;
const window = { from: "2026-11-20T10:00:00Z", to: "2026-11-20T12:00:00Z" };
const allTiers: TierVisibility = { tierVisible: () => true };
const LOCKDOWN = "2|default|storefront/default.staged:lockdown|deny|0";

const fixture = (name: string) => readFileSync(new URL(`../../../../apps/api/src/modules/policies/fixtures/${name}`, import.meta.url), "utf8");

/** Stage E's round, with a staged lockdown policy that would deny the rogue's denied flows again, and one flow that ends restricted's tier. */
function records(): Record<string, unknown>[] {
  const round = storefrontRound().map((r) => {
    const p = r.policies as { enforced_policies: string[]; pending_policies: string[] };
    if (r.reporter === "dst" && r.action === "deny" && String(r.source_name_aggr).startsWith("rogue-")) return { ...r, policies: { ...p, pending_policies: [...p.pending_policies.slice(0, -1), LOCKDOWN] } };
    return r;
  });
  const pvt = round.find((r) => r.dest_name_aggr === "pvt")!;
  const ended = ["0|security|security.pass|pass|0", "1|platform|platform.pass|pass|0", "2|default|storefront/default.restricted|deny|-1"];
  return [...round, { ...pvt, dest_port: 8443, action: "deny", policies: { enforced_policies: ended, pending_policies: ended } }];
}

beforeAll(async () => {
  db = (await openTestDatabase("palisade_test_flow_board")).db;
  tenantId = (await db.system.tenant.create({ data: { slug: `fb-${randomUUID().slice(0, 8)}`, name: "Board" } })).id;
  clusterId = (await db.system.cluster.create({ data: { tenantId, name: "storefront" } })).id;
  await seedBuiltinTiers(db.system as unknown as Tx, tenantId, clusterId);
  const { resources, errors } = parseResources(`${fixture("01-environment.yaml")}\n---\n${fixture("20-lab3-zones.yaml")}`);
  expect(errors).toEqual([]);
  const rows = resources
    .filter((r) => r.kind === "Tier" || r.kind.endsWith("Policy"))
    .map((r) => ({
      kind: r.kind as string,
      namespace: r.metadata.namespace ?? "",
      name: r.metadata.name,
      tier: tierOf(r),
      resource: r as object,
      order: (r.spec as { order?: number } | undefined)?.order ?? null,
      // what a connected cluster reports is mirrored; it counts like the rest
      origin: r.metadata.name === "platform.allow-kube-dns" ? ("CLUSTER" as const) : ("PALISADE" as const),
    }));
  rows.push(
    { kind: "KubernetesNetworkPolicy", namespace: "storefront", name: "unused", tier: "default", resource: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "unused", namespace: "storefront" }, spec: { podSelector: {}, ingress: [{}] } }, order: null, origin: "PALISADE" },
    { kind: "StagedNetworkPolicy", namespace: "storefront", name: "default.lockdown", tier: "default", resource: { kind: "StagedNetworkPolicy", metadata: { name: "default.lockdown", namespace: "storefront" }, spec: { tier: "default", order: 50, selector: "all()", ingress: [{ action: "Deny" }] } }, order: 50, origin: "PALISADE" },
  );
  await db.system.policyResource.createMany({ data: rows.map((r) => ({ ...r, tenantId, clusterId })) });
  await seedFlows(db, tenantId, clusterId, [...at(records(), t0), ...at(records(), t0 + 1800)]);
  // the same traffic an hour before the window: it must not count
  await seedFlows(db, tenantId, clusterId, at(records(), t0 - 3600));
});
afterAll(async () => {
  await db?.close();
});

const board = (args: Partial<PolicyBoardArgs> = {}, access: TierVisibility = allTiers) => db.withTenant(tenantId, (tx) => policyBoard(tx, access, { clusterId, ...window, ...args }));
const policy = (b: PolicyBoard, tier: string, traceName: string) => b.tiers.find((t) => t.name === tier)!.policies.find((p) => p.traceName === traceName)!;

describe("policyBoard", () => {
  it("lists tiers in evaluation order and policies in order within each", async () => {
    const b = await board();
    expect(b.source).toBe("ROLLUP");
    expect(b.tiers.map((t) => [t.name, t.order])).toEqual([
      ["security", 100],
      ["platform", 200],
      ["kube-admin", 1000],
      ["default", 1_000_000],
      ["kube-baseline", 10_000_000],
    ]);
    expect(b.tiers.find((t) => t.name === "platform")!.policies.map((p) => p.traceName)).toEqual(["platform.logging", "platform.allow-kube-dns", "platform.pass"]);
    expect(b.tiers.find((t) => t.name === "default")!.policies.map((p) => p.traceName)).toEqual([
      "storefront/default.dmz",
      "storefront/default.trusted",
      "storefront/default.restricted",
      "storefront/knp.default.unused",
    ]);
  });

  it("puts the denied counts on the Deny rules that decided them, by direction", async () => {
    const b = await board();
    const dmz = policy(b, "default", "storefront/default.dmz");
    // R1 at frontend's ingress, twice (two rounds)
    expect(dmz.ingress.map((r) => [r.index, r.action, r.counts.allowed, r.counts.denied])).toEqual([
      [0, "Allow", 2, 0],
      [1, "Deny", 0, 2],
    ]);
    // frontend's egress to the microservices (its traffic to logging is the platform tier's)
    expect(dmz.egress.map((r) => [r.index, r.action, r.counts.allowed, r.counts.denied])).toEqual([
      [0, "Allow", 4, 0],
      [1, "Deny", 0, 0],
    ]);
    expect(dmz.counts).toEqual({ connections: 8, allowed: 6, denied: 2, passed: 0 });
    const trusted = policy(b, "default", "storefront/default.trusted");
    expect(trusted.ingress[1]!.counts.denied).toBe(4); // R2, R3
    expect(trusted.egress[1]!.counts.denied).toBe(4); // M2 to the internet, twice a round
    const restricted = policy(b, "default", "storefront/default.restricted");
    expect(restricted.ingress[1]!.counts.denied).toBe(2); // R4
    expect(restricted.egress[0]!.counts.allowed).toBe(2); // B -> V
    expect(restricted.endOfTier).toEqual({ connections: 2, allowed: 0, denied: 2, passed: 0 });
  });

  it("counts allows in the platform tier (mirrored policies too) and passes", async () => {
    const b = await board();
    const logging = policy(b, "platform", "platform.logging");
    expect([logging.ingress[0]!.counts.allowed, logging.egress[0]!.counts.allowed]).toEqual([10, 10]);
    const dns = policy(b, "platform", "platform.allow-kube-dns");
    expect(dns.counts.allowed).toBe(10);
    const pass = policy(b, "security", "security.pass");
    const records1 = records();
    const dstPasses = records1.filter((r) => r.reporter === "dst" && (r.policies as { enforced_policies: string[] }).enforced_policies.some((e) => e.includes("|security.pass|"))).length;
    expect(pass.ingress[0]!.counts).toEqual({ connections: 2 * dstPasses, allowed: 0, denied: 0, passed: 2 * dstPasses });
    expect(pass.counts.passed).toBe(2 * records1.length);
  });

  it("counts the same whether a window's hours come from the hourly rollup or minute by minute", async () => {
    const counts = (b: Awaited<ReturnType<typeof board>>) => b.tiers.flatMap((t) => t.policies.map((p) => `${p.traceName} ${JSON.stringify(p.counts)} ${JSON.stringify(p.ingress.map((r) => r.counts))}`));
    // the window's two rounds: whole hours; the same two rounds minute by minute; one round from each level
    const hourly = await board();
    const minutes = await board({ from: "2026-11-20T09:30:00Z", to: "2026-11-20T10:45:00Z" });
    const mixed = await board({ from: "2026-11-20T08:59:00Z", to: "2026-11-20T10:01:00Z" });
    expect(hourly.tiers.flatMap((t) => t.policies).some((p) => p.counts.denied > 0)).toBe(true);
    expect(minutes.tiers.map((t) => t.name)).toEqual(hourly.tiers.map((t) => t.name));
    expect(counts(minutes)).toEqual(counts(hourly));
    expect(counts(mixed)).toEqual(counts(hourly));
  });

  it("lists policies that saw nothing with zeros", async () => {
    const unused = policy(await board(), "default", "storefront/knp.default.unused");
    expect(unused).toMatchObject({ kind: "KubernetesNetworkPolicy", namespace: "storefront", name: "unused", staged: false, counts: { connections: 0, allowed: 0, denied: 0, passed: 0 } });
    expect(unused.ingress).toEqual([{ index: 0, action: "Allow", counts: { connections: 0, allowed: 0, denied: 0, passed: 0 } }]);
    expect((await board()).tiers.find((t) => t.name === "kube-admin")!.policies).toEqual([]);
  });

  it("shows staged policies only when asked, counted from the pending traces", async () => {
    expect((await board()).tiers.flatMap((t) => t.policies).some((p) => p.staged)).toBe(false);
    const b = await board({ includeStaged: true });
    const lockdown = policy(b, "default", "storefront/default.staged:lockdown");
    expect(lockdown).toMatchObject({ kind: "StagedNetworkPolicy", staged: true, order: 50 });
    expect(lockdown.ingress[0]!.counts).toEqual({ connections: 8, allowed: 0, denied: 8, passed: 0 });
    // the enforced policies still count their enforced traces only
    expect(policy(b, "default", "storefront/default.dmz").counts).toEqual((await board()).tiers.find((t) => t.name === "default")!.policies[0]!.counts);
  });

  it("hides the tiers the caller may not get", async () => {
    const b = await board({}, { tierVisible: (t) => t !== "security" });
    expect(b.tiers.map((t) => t.name)).not.toContain("security");
    expect(b.tiers.map((t) => t.name)).toContain("platform");
  });

  it("refuses a bad window naming the field", async () => {
    for (const [args, field] of [
      [{ from: "soon" }, "from"],
      [{ from: window.to, to: window.from }, "to"],
    ] as const) {
      const e = await board(args).catch((x: unknown) => x as AppError);
      expect(e).toBeInstanceOf(AppError);
      expect([(e as AppError).code, (e as AppError).field]).toEqual(["BAD_USER_INPUT", field]);
    }
  });
});
