import type { Database } from "@palisade/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { onlyError } from "../../../test/graphql-client.ts";
import { createPromo, hex, signUpProvisioned, type ProvisionedTenant } from "../../../test/signups.ts";
import { data, inviteTeammate } from "../users/teammates.testing.ts";

let db: Database;
let t: RunningApi;
let a: ProvisionedTenant;
let b: ProvisionedTenant;
let admin: string;

beforeAll(async () => {
  db = await openApiDatabase();
  t = await startApi(buildDeps(db, testConfig({ FLOW_LOG_RETENTION_DAYS: "7", FLOW_ROLLUP_RETENTION_DAYS: "30" })));
  const promo = await createPromo(db);
  a = await signUpProvisioned(t, promo.code);
  b = await signUpProvisioned(t, promo.code);
  admin = await inviteTeammate(t, a.token, `na.${hex()}@corp-${hex()}.com`, ["network-admin"]);
});
afterAll(async () => {
  await t?.stop();
  await db?.close();
});

const SET = `mutation ($l: Int, $r: Int) { setFlowRetention(logDays: $l, rollupDays: $r) { id flowLogRetentionDays flowRollupRetentionDays } }`;
const ME = `{ me { tenant { flowLogRetentionDays flowRollupRetentionDays } } }`;
type Me = { me: { tenant: { flowLogRetentionDays: number; flowRollupRetentionDays: number } } };
const retention = async (token: string) => data(await t.gql<Me>(ME, {}, token)).me.tenant;
const auditEvents = (tenantId: string) => db.system.auditEvent.findMany({ where: { tenantId, kind: "Tenant", verb: "update" }, orderBy: { seq: "asc" } });

describe("per-tenant flow retention", () => {
  it("shows the operator's defaults until the owner sets the tenant's own, and audits the change", async () => {
    expect(await retention(a.token)).toEqual({ flowLogRetentionDays: 7, flowRollupRetentionDays: 30 });
    const set = data(await t.gql<{ setFlowRetention: { flowLogRetentionDays: number; flowRollupRetentionDays: number } }>(SET, { l: 3, r: 400 }, a.token));
    expect(set.setFlowRetention).toMatchObject({ flowLogRetentionDays: 3, flowRollupRetentionDays: 400 });
    // a value left out keeps what it was
    data(await t.gql(SET, { l: 14 }, a.token));
    expect(await retention(a.token)).toEqual({ flowLogRetentionDays: 14, flowRollupRetentionDays: 400 });
    expect((await db.system.tenant.findUniqueOrThrow({ where: { id: a.tenantId } })).flowLogRetentionDays).toBe(14);
    const events = await auditEvents(a.tenantId);
    expect(events.map((e) => [e.outcome, e.beforeYaml, e.afterYaml])).toEqual([
      ["ALLOWED", "flowLogRetentionDays: 7\nflowRollupRetentionDays: 30\n", "flowLogRetentionDays: 3\nflowRollupRetentionDays: 400\n"],
      ["ALLOWED", "flowLogRetentionDays: 3\nflowRollupRetentionDays: 400\n", "flowLogRetentionDays: 14\nflowRollupRetentionDays: 400\n"],
    ]);
    // another tenant is untouched
    expect(await retention(b.token)).toEqual({ flowLogRetentionDays: 7, flowRollupRetentionDays: 30 });
  });

  it("refuses values out of bounds with the argument named, changing nothing", async () => {
    const before = await retention(b.token);
    for (const [vars, field] of [
      [{ l: 0 }, "logDays"],
      [{ l: 366 }, "logDays"],
      [{ r: 731 }, "rollupDays"],
      [{ l: 10, r: 0 }, "rollupDays"],
      [{}, "logDays"],
    ] as const) {
      expect(onlyError(await t.gql(SET, vars, b.token)).extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    expect(await retention(b.token)).toEqual(before);
    // the edges are allowed
    data(await t.gql(SET, { l: 365, r: 730 }, b.token));
    data(await t.gql(SET, { l: 1, r: 1 }, b.token));
    expect(await retention(b.token)).toEqual({ flowLogRetentionDays: 1, flowRollupRetentionDays: 1 });
  });

  it("lets only the owner change it; a refusal is audited", async () => {
    const before = await retention(a.token);
    expect(onlyError(await t.gql(SET, { l: 2 }, admin)).extensions?.code).toBe("FORBIDDEN");
    expect(await retention(a.token)).toEqual(before);
    expect((await auditEvents(a.tenantId)).at(-1)).toMatchObject({ outcome: "REFUSED" });
    expect(onlyError(await t.gql(SET, { l: 2 })).extensions?.code).toBe("UNAUTHENTICATED");
  });
});
