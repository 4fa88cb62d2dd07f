import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./clients.ts";
import { openTestDatabase } from "./testing.ts";

let db: Database;
let a: string;
let b: string;

async function tenantWithCluster(label: string) {
  // cross-tenant: test setup creates tenants as the owner
  const t = await db.system.tenant.create({ data: { slug: `${label}-${randomBytes(4).toString("hex")}`, name: label } });
  await db.system.cluster.create({ data: { tenantId: t.id, name: "prod" } });
  return t.id;
}

beforeAll(async () => {
  ({ db } = await openTestDatabase("palisade_test_db"));
  a = await tenantWithCluster("alpha");
  b = await tenantWithCluster("beta");
});
afterAll(() => db.close());

describe("row-level security", () => {
  it("shows a tenant only its own rows", async () => {
    const clusters = await db.withTenant(a, (tx) => tx.cluster.findMany());
    expect(clusters.map((c) => c.tenantId)).toEqual([a]);
    const tenants = await db.withTenant(a, (tx) => tx.tenant.findMany());
    expect(tenants.map((t) => t.id)).toEqual([a]);
  });

  it("holds for the plain tenant reads too, which cannot write and take only a uuid for the tenant", async () => {
    const rows = await db.tenantQuery<{ tenant_id: string }>(a, "SELECT tenant_id FROM clusters");
    expect(rows.map((r) => r.tenant_id)).toEqual([a]);
    await expect(db.tenantQuery(a, "UPDATE clusters SET name = 'x'")).rejects.toThrow(/read-only/);
    await expect(db.tenantQuery(`${a}'); SELECT 1; --`, "SELECT 1")).rejects.toThrow(/uuid/);
    // the connection goes back to the pool without the tenant: the next read of another tenant sees only its own
    expect((await db.tenantQuery<{ tenant_id: string }>(b, "SELECT tenant_id FROM clusters")).map((r) => r.tenant_id)).toEqual([b]);
  });

  it("cannot change another tenant's rows, even by id", async () => {
    const theirs = await db.system.cluster.findFirstOrThrow({ where: { tenantId: b } });
    const updated = await db.withTenant(a, (tx) => tx.cluster.updateMany({ where: { id: theirs.id }, data: { name: "stolen" } }));
    expect(updated.count).toBe(0);
    const deleted = await db.withTenant(a, (tx) => tx.cluster.deleteMany({ where: { id: theirs.id } }));
    expect(deleted.count).toBe(0);
    expect((await db.system.cluster.findUniqueOrThrow({ where: { id: theirs.id } })).name).toBe("prod");
  });

  it("refuses to insert a row into another tenant", async () => {
    await expect(db.withTenant(a, (tx) => tx.cluster.create({ data: { tenantId: b, name: "planted" } }))).rejects.toThrow(/row-level security/);
    expect(await db.system.cluster.count({ where: { name: "planted" } })).toBe(0);
  });

  it("shows nothing when no tenant is set", async () => {
    const rows = await db.withTenant("00000000-0000-0000-0000-000000000000", (tx) => tx.cluster.findMany());
    expect(rows).toEqual([]);
  });
});

describe("migrations", () => {
  it("seed the workshop promo code on a fresh database", async () => {
    const code = await db.system.promoCode.findUniqueOrThrow({ where: { code: "PAR-AWS-EKS-WORKSHOP" } });
    expect(code.autoApprove).toBe(true);
    expect(code.distributions).toEqual(["EKS"]);
  });
});
