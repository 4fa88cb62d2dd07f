import type { Tx } from "@palisade/db";
import type { CoreDeps } from "../deps.ts";
import { queueEmail, dispatchEmails } from "../email/outbox.ts";
import { badInput } from "../errors.ts";
import { jobCatalogue } from "../jobs/catalogue.ts";
import type { JobQueue } from "../jobs/queue.ts";
import { auditFilterSchema, matchesFilter, type AuditFilter } from "./filter.ts";
import { publishedView } from "./events-channel.ts";
import type { StoredAuditEvent } from "./recorder.ts";

export const ALERT_ATTEMPTS = jobCatalogue["deliver-alert"].options.attempts;

/** Deliveries for the events just written that match one of the tenant's alert rules, in the same transaction. */
export async function queueAlertDeliveries(tx: Tx, tenantId: string, events: readonly StoredAuditEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rules = await tx.alertRule.findMany({ select: { id: true, filter: true } });
  if (rules.length === 0) return [];
  const data: Array<{ tenantId: string; ruleId: string; eventId: string }> = [];
  for (const rule of rules) {
    const filter = auditFilterSchema.parse(rule.filter) as AuditFilter;
    for (const e of events) if (matchesFilter(e, filter)) data.push({ tenantId, ruleId: rule.id, eventId: e.id });
  }
  if (data.length === 0) return [];
  const rows = await tx.alertDelivery.createManyAndReturn({ data, select: { id: true } });
  return rows.map((r) => r.id);
}

export async function dispatchAlertDeliveries(jobs: JobQueue, tenantId: string, ids: readonly string[]): Promise<void> {
  for (const deliveryId of ids) await jobs.enqueue("deliver-alert", { tenantId, deliveryId });
}

export function checkAlertTarget(channel: "WEBHOOK" | "EMAIL", target: string): void {
  if (channel === "WEBHOOK") {
    let url: URL | null = null;
    try {
      url = new URL(target);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) throw badInput("target", "a WEBHOOK target must be an http or https URL");
  } else if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(target)) {
    throw badInput("target", "an EMAIL target must be an email address");
  }
}

/**
 * Delivers one alert: POSTs the event as JSON to a webhook, or puts a message in the outbox. Each attempt is
 * counted on the delivery row with its error; a delivered alert is never sent again by a retried job.
 */
export async function deliverAlert(deps: CoreDeps, p: { tenantId: string; deliveryId: string }, fetchImpl: typeof fetch = fetch): Promise<"delivered" | "already-delivered" | "gone"> {
  const loaded = await deps.db.withTenant(p.tenantId, async (tx) => {
    const delivery = await tx.alertDelivery.findUnique({ where: { id: p.deliveryId }, include: { rule: true } });
    if (!delivery) return null;
    const event = await tx.auditEvent.findUnique({ where: { id: delivery.eventId } });
    if (!event) return null;
    if (delivery.status !== "DELIVERED") await tx.alertDelivery.update({ where: { id: delivery.id }, data: { attempts: { increment: 1 } } });
    return { delivery, event };
  });
  if (!loaded) return "gone";
  const { delivery, event } = loaded;
  if (delivery.status === "DELIVERED") return "already-delivered";
  const payload = { alertRuleId: delivery.ruleId, event: publishedView(event) };
  try {
    if (delivery.rule.channel === "WEBHOOK") {
      const res = await fetchImpl(delivery.rule.target, {
        method: "POST",
        headers: { "content-type": "application/json", "x-palisade-delivery": delivery.id },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
      await deps.db.withTenant(p.tenantId, (tx) => tx.alertDelivery.update({ where: { id: delivery.id }, data: { status: "DELIVERED", deliveredAt: deps.now(), lastError: null } }));
    } else {
      // cross-tenant: the outbox is the system's (as for every email); the delivery is marked right after, so only
      // a crash between the two could queue the message twice.
      const emailId = await queueEmail(deps.db.system, {
        tenantId: p.tenantId,
        kind: "audit-alert",
        to: delivery.rule.target,
        message: {
          subject: `Palisade alert: ${event.actorDisplay} ${event.verb} ${event.kind} ${event.name ?? ""} (${event.outcome})`,
          text: `${JSON.stringify(payload.event, null, 2)}\n`,
        },
      });
      await deps.db.withTenant(p.tenantId, (tx) => tx.alertDelivery.update({ where: { id: delivery.id }, data: { status: "DELIVERED", deliveredAt: deps.now(), lastError: null } }));
      await dispatchEmails(deps.jobs, [emailId]);
    }
    return "delivered";
  } catch (e) {
    const message = (e as Error).message.slice(0, 1000);
    await deps.db.withTenant(p.tenantId, (tx) =>
      tx.alertDelivery.update({ where: { id: delivery.id }, data: { lastError: message, ...(delivery.attempts + 1 >= ALERT_ATTEMPTS ? { status: "FAILED" } : {}) } }),
    );
    throw e;
  }
}
