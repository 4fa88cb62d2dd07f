import type { Tx } from "@palisade/db";
import { k8sToCalicoSpec, policyTraceName } from "@palisade/policy";
import { badInput } from "../errors.ts";
import { flowWindow } from "./filter.ts";
import { ROLLUP_TABLES, rollupParts } from "./rollup-window.ts";
import { TUNE_AGGREGATION, type FlowDataSource } from "./graph.ts";

export interface PolicyBoardCounts {
  connections: number;
  allowed: number;
  denied: number;
  passed: number;
}
export interface PolicyBoardRule {
  index: number;
  /** the rule's action in the spec */
  action: string | null;
  counts: PolicyBoardCounts;
}
export interface PolicyBoardPolicy {
  kind: string;
  namespace: string | null;
  name: string;
  traceName: string;
  staged: boolean;
  order: number | null;
  counts: PolicyBoardCounts;
  ingress: PolicyBoardRule[];
  egress: PolicyBoardRule[];
  endOfTier: PolicyBoardCounts;
}
export interface PolicyBoardTier {
  name: string;
  order: number | null;
  policies: PolicyBoardPolicy[];
}
export interface PolicyBoard {
  from: string;
  to: string;
  source: FlowDataSource;
  tiers: PolicyBoardTier[];
}

/** What flowAccess answers that the board needs: the tiers whose policies the caller may see. */
export interface TierVisibility {
  tierVisible(tier: string): boolean;
}

export interface PolicyBoardArgs {
  clusterId: string;
  from: string;
  to: string;
  includeStaged?: boolean | null;
}

const ENFORCED_KINDS = ["NetworkPolicy", "GlobalNetworkPolicy", "KubernetesNetworkPolicy"];
const STAGED_KINDS = ["StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy"];
const DEFAULT_TIER = "default";

interface CountRow {
  pending: boolean;
  policy: string;
  rule: number;
  reporter: string;
  action: string;
  n: number;
}

interface RuleSpec {
  action?: string;
}
interface PolicySpecLike {
  ingress?: RuleSpec[];
  egress?: RuleSpec[];
}

const zero = (): PolicyBoardCounts => ({ connections: 0, allowed: 0, denied: 0, passed: 0 });
function add(c: PolicyBoardCounts, action: string, n: number): void {
  c.connections += n;
  if (action === "allow") c.allowed += n;
  else if (action === "deny") c.denied += n;
  else if (action === "pass") c.passed += n;
}

const INF = Number.POSITIVE_INFINITY;
const byOrder = (a: number | null, b: number | null) => (a ?? INF) - (b ?? INF) || 0;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A stored policy's rules as Calico rules (a Kubernetes policy's rules all allow). */
function rulesOf(kind: string, resource: unknown): PolicySpecLike {
  const spec = ((resource as { spec?: unknown } | null)?.spec ?? {}) as Record<string, unknown>;
  if (kind.endsWith("KubernetesNetworkPolicy")) {
    try {
      return k8sToCalicoSpec(spec as unknown as Parameters<typeof k8sToCalicoSpec>[0]) as PolicySpecLike;
    } catch {
      return {};
    }
  }
  return spec as PolicySpecLike;
}

/**
 * The policy board: the cluster's tiers in evaluation order (those the caller may get), their policies in
 * order, each with the connections its rules allowed, denied and passed over the window, per rule and
 * direction, from the trace rollups (hourly for whole hours, per minute for the rest). A policy is matched to traces by its flow-log name; a staged
 * policy (with includeStaged) by its staged name in the pending traces. Policies that saw nothing show zeros.
 */
export async function policyBoard(tx: Tx, access: TierVisibility, args: PolicyBoardArgs): Promise<PolicyBoard> {
  const window = flowWindow(args.from, args.to);
  if (args.includeStaged !== undefined && args.includeStaged !== null && typeof args.includeStaged !== "boolean") throw badInput("includeStaged", "includeStaged must be a boolean");
  const kinds = args.includeStaged ? [...ENFORCED_KINDS, ...STAGED_KINDS] : ENFORCED_KINDS;

  const tierRows = await tx.policyResource.findMany({ where: { clusterId: args.clusterId, kind: "Tier" }, select: { name: true, order: true } });
  const tiers = tierRows.map((t) => ({ name: t.name, order: t.order === null ? null : Number(t.order) }));
  // Calico's default tier exists even when the store has no resource for it; it comes after the ordered ones
  if (!tiers.some((t) => t.name === DEFAULT_TIER)) tiers.push({ name: DEFAULT_TIER, order: null });
  const visible = tiers.filter((t) => access.tierVisible(t.name)).sort((a, b) => byOrder(a.order, b.order) || (a.name === DEFAULT_TIER ? 1 : b.name === DEFAULT_TIER ? -1 : cmp(a.name, b.name)));
  const tierNames = visible.map((t) => t.name);

  const policies = await tx.policyResource.findMany({
    where: { clusterId: args.clusterId, kind: { in: kinds }, tier: { in: tierNames } },
    select: { kind: true, namespace: true, name: true, tier: true, order: true, resource: true },
  });
  const named = policies.map((p) => ({ ...p, order: p.order === null ? null : Number(p.order), staged: p.kind.startsWith("Staged"), traceName: policyTraceName(p) }));
  const enforcedNames = named.filter((p) => !p.staged).map((p) => p.traceName);
  const stagedNames = named.filter((p) => p.staged).map((p) => p.traceName);

  await tx.$queryRawUnsafe(TUNE_AGGREGATION);
  // whole hours from the hourly rollup, the window's partial hours per minute (a row holds a whole minute:
  // the window takes the minutes it starts in, as the flow filter does)
  const summed = new Map<string, CountRow>();
  for (const part of rollupParts(window.from, window.to)) {
    const [table, time] = part.table === "hourly" ? [ROLLUP_TABLES.policy.hourly, "hour"] : [ROLLUP_TABLES.policy.rollup, "minute"];
    const rows = await tx.$queryRawUnsafe<CountRow[]>(
      `SELECT pending, policy, rule, reporter, action, sum(num_flows)::float8 AS n
       FROM ${table}
       WHERE tenant_id = palisade_current_tenant() AND cluster_id = $1::uuid AND ${time} >= date_trunc('${time}', $2::timestamptz) AND ${time} < $3::timestamptz
         AND tier = ANY($4::text[])
         AND ((NOT pending AND policy = ANY($5::text[])) OR (pending AND policy = ANY($6::text[])))
       GROUP BY 1, 2, 3, 4, 5`,
      args.clusterId,
      part.from,
      part.to,
      tierNames,
      enforcedNames,
      stagedNames,
    );
    for (const r of rows) {
      const key = `${r.pending}|${r.policy}|${r.rule}|${r.reporter}|${r.action}`;
      const had = summed.get(key);
      if (had) had.n += r.n;
      else summed.set(key, { ...r });
    }
  }
  const counts = [...summed.values()];
  const byPolicy = new Map<string, CountRow[]>();
  for (const r of counts) {
    const k = `${r.pending}|${r.policy}`;
    const list = byPolicy.get(k);
    if (list) list.push(r);
    else byPolicy.set(k, [r]);
  }

  const boardPolicy = (p: (typeof named)[number]): PolicyBoardPolicy => {
    const spec = rulesOf(p.kind, p.resource);
    const rules = (list: RuleSpec[] | undefined) => (Array.isArray(list) ? list : []).map((r, index) => ({ index, action: typeof r?.action === "string" ? r.action : null, counts: zero() }));
    const ingress = rules(spec.ingress);
    const egress = rules(spec.egress);
    const total = zero();
    const endOfTier = zero();
    for (const r of byPolicy.get(`${p.staged}|${p.traceName}`) ?? []) {
      add(total, r.action, r.n);
      if (r.rule === -1) add(endOfTier, r.action, r.n);
      else {
        const rule = (r.reporter === "dst" ? ingress : egress)[r.rule];
        if (rule) add(rule.counts, r.action, r.n);
      }
    }
    return { kind: p.kind, namespace: p.namespace || null, name: p.name, traceName: p.traceName, staged: p.staged, order: p.order, counts: total, ingress, egress, endOfTier };
  };

  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    source: "ROLLUP",
    tiers: visible.map((t) => ({
      name: t.name,
      order: t.order,
      policies: named
        .filter((p) => p.tier === t.name)
        .sort((a, b) => byOrder(a.order, b.order) || cmp(a.name, b.name) || cmp(a.kind, b.kind) || cmp(a.namespace, b.namespace))
        .map(boardPolicy),
    })),
  };
}
