import type { Actor } from "./actor.ts";
import { runChange } from "./change.ts";
import type { CoreDeps } from "../deps.ts";
import { read } from "../policies/access.ts";
import { notFound } from "../errors.ts";
import { checkAlertTarget } from "./alerts.ts";
import { auditFilterSchema, type AuditFilter } from "./filter.ts";
import { stringify } from "yaml";

/** An alert rule: events matching the filter are delivered to a webhook or an email address. */
export function createAlertRule(deps: CoreDeps, actor: Actor, a: { filter: AuditFilter; channel: "WEBHOOK" | "EMAIL"; target: string }) {
  return runChange(deps, actor, { verb: "create", kind: "AlertRule", name: a.target }, async (c) => {
    c.auth.require("create", "auditevents");
    checkAlertTarget(a.channel, a.target);
    const filter = auditFilterSchema.parse(a.filter);
    const rule = await c.tx.alertRule.create({ data: { tenantId: actor.tenantId, filter, channel: a.channel, target: a.target, createdBy: actor.userId } });
    c.record({ verb: "create", kind: "AlertRule", name: rule.id, afterYaml: stringify({ filter, channel: a.channel, target: a.target }) });
    return rule;
  });
}

export function deleteAlertRule(deps: CoreDeps, actor: Actor, id: string) {
  return runChange(deps, actor, { verb: "delete", kind: "AlertRule", name: id }, async (c) => {
    c.auth.require("delete", "auditevents");
    const rule = /^[0-9a-f-]{36}$/i.test(id) ? await c.tx.alertRule.findUnique({ where: { id } }) : null;
    if (!rule) throw notFound(`alert rule ${id}`);
    await c.tx.alertRule.delete({ where: { id } });
    c.record({ verb: "delete", kind: "AlertRule", name: id, beforeYaml: stringify({ filter: rule.filter, channel: rule.channel, target: rule.target }) });
    return true;
  });
}

/** The tenant's alert rules with their deliveries (attempts, last error, status), newest deliveries first. */
export function listAlertRules(deps: CoreDeps, actor: Actor) {
  return read(deps, actor, async (tx, auth) => {
    auth.require("list", "auditevents");
    return tx.alertRule.findMany({ orderBy: { createdAt: "asc" }, include: { deliveries: { orderBy: { createdAt: "desc" }, take: 100 } } });
  });
}
