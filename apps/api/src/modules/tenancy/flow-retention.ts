import { badInput, forbidden, runChange, type Actor, type CoreDeps } from "@palisade/core";
import type { Tenant } from "@palisade/db";

export const RETENTION_BOUNDS = { logDays: [1, 365], rollupDays: [1, 730] } as const;

/** The days a tenant's flows are kept: its own setting, or the operator's default. */
export function flowRetentionOf(t: Pick<Tenant, "flowLogRetentionDays" | "flowRollupRetentionDays">, defaults: { logRetentionDays: number; rollupRetentionDays: number }) {
  return { logDays: t.flowLogRetentionDays ?? defaults.logRetentionDays, rollupDays: t.flowRollupRetentionDays ?? defaults.rollupRetentionDays };
}

const yamlOf = (r: { logDays: number; rollupDays: number }) => `flowLogRetentionDays: ${r.logDays}\nflowRollupRetentionDays: ${r.rollupDays}\n`;

/**
 * setFlowRetention: the owner sets how many days of raw flow logs (1..365) and of rollups (1..730) the tenant
 * keeps; an argument left out keeps its value. Audited as an update of the Tenant; the retention job applies it.
 */
export function setFlowRetention(deps: CoreDeps, actor: Actor, a: { logDays?: number | null; rollupDays?: number | null }): Promise<Tenant> {
  return runChange(deps, actor, { verb: "update", kind: "Tenant", name: "flow-retention" }, async (c) => {
    const bound = await c.tx.tokenRoleBinding.findMany({ where: { accessTokenId: actor.tokenId }, select: { role: true } });
    const owner = actor.roles.includes("owner") && (bound.length === 0 || bound.some((b) => b.role === "owner"));
    if (!owner) throw forbidden(`user "${actor.display}" cannot change flow retention: only the tenant's owner may`);
    if ((a.logDays ?? null) === null && (a.rollupDays ?? null) === null) throw badInput("logDays", "give logDays, rollupDays or both");
    for (const k of ["logDays", "rollupDays"] as const) {
      const v = a[k];
      const [min, max] = RETENTION_BOUNDS[k];
      if (v !== null && v !== undefined && (!Number.isInteger(v) || v < min || v > max)) throw badInput(k, `${k} must be ${min} to ${max}`);
    }
    const tenant = await c.tx.tenant.findUniqueOrThrow({ where: { id: actor.tenantId } });
    const before = flowRetentionOf(tenant, deps.config.flows);
    const updated = await c.tx.tenant.update({
      where: { id: actor.tenantId },
      data: { ...(a.logDays != null ? { flowLogRetentionDays: a.logDays } : {}), ...(a.rollupDays != null ? { flowRollupRetentionDays: a.rollupDays } : {}) },
    });
    c.record({ verb: "update", kind: "Tenant", name: tenant.slug, beforeYaml: yamlOf(before), afterYaml: yamlOf(flowRetentionOf(updated, deps.config.flows)) });
    return updated;
  });
}
