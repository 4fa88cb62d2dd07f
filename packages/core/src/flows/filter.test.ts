import { randomUUID } from "node:crypto";
import type { Database } from "@palisade/db";
import { openTestDatabase } from "@palisade/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { compileFlowFilter, flowWindow, rollupCanAnswer, type FlowFilterInput } from "./filter.ts";
import { ensurePartitions } from "./partitions.ts";

let db: Database;
let tenantId: string;
let otherTenant: string;
let clusterId: string;
const t = new Date("2026-11-20T10:00:30Z");
const window = { from: new Date("2026-11-20T10:00:00Z"), to: new Date("2026-11-20T11:00:00Z") };

interface Row {
  name: string;
  src: [type: string, ns: string, aggr: string, labels: number | null];
  dst: [type: string, ns: string, aggr: string, labels: number | null];
  port: number | null;
  proto?: string;
  action: "allow" | "deny";
  reporter: "src" | "dst";
  trace: string[];
  record?: Record<string, unknown>;
}

beforeAll(async () => {
  db = (await openTestDatabase("palisade_test_flow_filter")).db;
  tenantId = (await db.system.tenant.create({ data: { slug: `ff-${randomUUID().slice(0, 8)}`, name: "Filter" } })).id;
  otherTenant = (await db.system.tenant.create({ data: { slug: `ff-${randomUUID().slice(0, 8)}`, name: "Other" } })).id;
  clusterId = (await db.system.cluster.create({ data: { tenantId, name: "c" } })).id;
  await ensurePartitions(db, [t]);
  const set = async (labels: string[]) =>
    Number((await db.system.$queryRawUnsafe<{ id: bigint }[]>(`INSERT INTO flow_label_sets (tenant_id, cluster_id, labels) VALUES ($1::uuid, $2::uuid, $3::text[]) RETURNING id`, tenantId, clusterId, labels))[0]!.id);
  const frontend = await set(["app=frontend", "fw-zone=dmz"]);
  const backend = await set(["app=backend", "fw-zone=restricted"]);
  const rogue = await set(["app=rogue"]);
  const rows: Row[] = [
    { name: "F->B", src: ["wep", "shop", "frontend-abc-*", frontend], dst: ["wep", "shop", "backend-def-*", backend], port: 5432, action: "allow", reporter: "dst", trace: ["0|security|security.pass|pass|0", "1|default|shop/default.restricted|allow|0"] },
    { name: "R->B", src: ["wep", "lab", "rogue-1-*", rogue], dst: ["wep", "shop", "backend-def-*", backend], port: 5432, action: "deny", reporter: "dst", trace: ["0|security|security.pass|pass|0", "1|default|shop/default.restricted|deny|1"] },
    { name: "F->pub", src: ["wep", "shop", "frontend-abc-*", frontend], dst: ["net", "-", "pub", null], port: 443, action: "deny", reporter: "src", trace: ["0|platform|platform.twilio|deny|2"], record: { dest_domains: ["api.example.com"] } },
    { name: "dns", src: ["wep", "shop", "frontend-abc-*", frontend], dst: ["wep", "kube-system", "coredns-*", null], port: 53, proto: "udp", action: "allow", reporter: "src", trace: ["0|platform|platform.allow-kube-dns|allow|0"], record: { host: "node-2" } },
  ];
  for (const r of rows) {
    await db.system.$executeRawUnsafe(
      `INSERT INTO flow_logs (tenant_id, cluster_id, batch_id, start_time, end_time, source_type, source_namespace, source_name_aggr, source_labels_id, dest_type, dest_namespace, dest_name_aggr, dest_labels_id,
         dest_port, proto, action, reporter, num_flows, bytes_in, bytes_out, record, enforced_policies, policy_tier, policy_name, policy_rule, host, source_name)
       VALUES ($1::uuid, $2::uuid, gen_random_uuid(), $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, 10, 10, $16::jsonb, $17::text[], $18, $19, $20, $21, $22)`,
      tenantId, clusterId, t, ...r.src, ...r.dst, r.port, r.proto ?? "tcp", r.action, r.reporter, JSON.stringify({ name: r.name, ...r.record }), r.trace,
      ...(r.trace.at(-1)!.split("|").slice(1, 3) as [string, string]), Number(r.trace.at(-1)!.split("|")[4]), (r.record?.host as string) ?? "node-1", `${r.name}-pod`,
    );
  }
  // a flow of another tenant in the same cluster id space must never show
  await db.system.$executeRawUnsafe(
    `INSERT INTO flow_logs (tenant_id, cluster_id, batch_id, start_time, end_time, source_type, source_namespace, source_name_aggr, dest_type, dest_namespace, dest_name_aggr, proto, action, reporter, num_flows, bytes_in, bytes_out, record)
     VALUES ($1::uuid, $2::uuid, gen_random_uuid(), $3, $3, 'wep', 'shop', 'x-*', 'wep', 'shop', 'y-*', 'tcp', 'deny', 'src', 1, 0, 0, '{"name":"foreign"}')`,
    otherTenant, clusterId, t,
  );
});
afterAll(async () => {
  await db?.close();
});

async function matching(filter: FlowFilterInput | null, visibleNamespaces: string[] | null = null): Promise<string[]> {
  return db.withTenant(tenantId, async (tx) => {
    const { where, params } = await compileFlowFilter(tx, "raw", filter, { clusterId, ...window, visibleNamespaces });
    const rows = await tx.$queryRawUnsafe<{ name: string }[]>(`SELECT record->>'name' AS name FROM flow_logs WHERE ${where}`, ...params);
    return rows.map((r) => r.name).sort();
  });
}

async function refusal(filter: FlowFilterInput): Promise<AppError> {
  try {
    await matching(filter);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("accepted");
}

describe("flow filters", () => {
  it("matches everything of the tenant's cluster in the window, nothing of another tenant", async () => {
    expect(await matching(null)).toEqual(["F->B", "F->pub", "R->B", "dns"]);
  });

  it("filters on namespaces of either end, on one end, and on aggregated names with prefixes", async () => {
    expect(await matching({ namespaces: ["lab"] })).toEqual(["R->B"]);
    expect(await matching({ destNamespaces: ["kube-system"] })).toEqual(["dns"]);
    expect(await matching({ names: ["frontend-*"] })).toEqual(["F->B", "F->pub", "dns"]);
    expect(await matching({ destNames: ["backend-def-*"] })).toEqual(["F->B", "R->B"]);
    expect(await matching({ sourceNames: ["frontend"] })).toEqual([]);
  });

  it("filters on actions, ports, protocols, endpoint types and reporter", async () => {
    expect(await matching({ actions: ["DENY"] })).toEqual(["F->pub", "R->B"]);
    expect(await matching({ ports: [53, 443] })).toEqual(["F->pub", "dns"]);
    expect(await matching({ protocols: ["UDP"] })).toEqual(["dns"]);
    expect(await matching({ endpointTypes: ["NET"] })).toEqual(["F->pub"]);
    expect(await matching({ reporter: "SRC", actions: ["ALLOW"] })).toEqual(["dns"]);
  });

  it("filters on the deciding policy, or on any hit of the trace", async () => {
    expect(await matching({ policy: { name: "default.restricted", action: "DENY" } })).toEqual(["R->B"]);
    expect(await matching({ policy: { tier: "platform" } })).toEqual(["F->pub", "dns"]);
    expect(await matching({ policy: { name: "security.pass", action: "PASS", deciding: false } })).toEqual(["F->B", "R->B"]);
  });

  it("evaluates label selectors over each end's labels; an end without labels matches only selectors that match nothing", async () => {
    expect(await matching({ sourceSelector: "app == 'rogue'" })).toEqual(["R->B"]);
    expect(await matching({ destSelector: "fw-zone in {'restricted', 'trusted'}" })).toEqual(["F->B", "R->B"]);
    expect(await matching({ destSelector: "!has(app)" })).toEqual(["F->pub", "dns"]);
  });

  it("matches any record field by its Calico name, negated as Kibana's 'is not'", async () => {
    expect(await matching({ fields: [{ field: "host", values: ["node-2"] }] })).toEqual(["dns"]);
    expect(await matching({ fields: [{ field: "host", values: ["node-2"], negate: true }] })).toEqual(["F->B", "F->pub", "R->B"]);
    expect(await matching({ fields: [{ field: "dest_domains", values: ["api.example.com"] }] })).toEqual(["F->pub"]);
    expect(await matching({ fields: [{ field: "source_name", values: ["dns-pod"] }] })).toEqual(["dns"]);
  });

  it("shows a caller limited to namespaces only records with an end in them", async () => {
    expect(await matching(null, ["lab"])).toEqual(["R->B"]);
    expect(await matching(null, ["kube-system"])).toEqual(["dns"]);
  });

  it("refuses bad input naming the field", async () => {
    expect((await refusal({ sourceSelector: "app ==" })).field).toBe("filter.sourceSelector");
    expect((await refusal({ ports: [70000] })).field).toBe("filter.ports[0]");
    expect((await refusal({ fields: [{ field: "password", values: ["x"] }] })).field).toBe("filter.fields[0].field");
    expect((await refusal({ namespaces: [] })).field).toBe("filter.namespaces");
    expect((await refusal({ policy: { action: "PASS" } })).field).toBe("filter.policy.action");
    expect((await refusal({ policy: {} })).field).toBe("filter.policy");
    expect(() => flowWindow("yesterday", "2026-11-20T00:00:00Z")).toThrow(/from must be/);
    expect(() => flowWindow("2026-11-20T00:00:00Z", "2026-11-19T00:00:00Z")).toThrow(/after from/);
    expect(() => flowWindow("2026-01-01T00:00:00Z", "2026-11-19T00:00:00Z")).toThrow(/31 days/);
  });

  it("says when only raw records can answer", () => {
    expect(rollupCanAnswer({ actions: ["DENY"], sourceSelector: "all()" })).toBe(true);
    expect(rollupCanAnswer({ fields: [{ field: "host", values: ["a"] }] })).toBe(false);
    expect(rollupCanAnswer({ policy: { tier: "x", deciding: false } })).toBe(false);
  });
});
