import type { Actor } from "./actor.ts";
import type { CoreDeps } from "../deps.ts";
import { badInput } from "../errors.ts";
import type { Authorizer } from "../rbac/authorizer.ts";
import type { Verb } from "../rbac/rules.ts";
import { read } from "../policies/access.ts";
import { verifyChain, type ChainVerdict } from "./chain.ts";
import { whereOfFilter, type AuditFilter } from "./filter.ts";

/**
 * Whether the caller may see an event: the verb on auditevents for its cluster, and for an event about a
 * tiered resource also `get` on that tier (a tier's changes are no more visible than the tier).
 */
export function maySeeEvent(auth: Authorizer, verb: Verb, e: { clusterId: string | null; tier: string | null }): boolean {
  if (!auth.allows(verb, "auditevents", { clusterId: e.clusterId })) return false;
  return e.tier === null || auth.allows("get", "tiers", { clusterId: e.clusterId, tier: e.tier });
}

const MAX_PAGE = 500;

/** The tenant's events the caller may see (silently filtered), newest first, as a page after a cursor (the seq of the last one seen). */
export function listAuditEvents(deps: CoreDeps, actor: Actor, a: { filter?: AuditFilter | null; first?: number | null; after?: string | null }) {
  const size = a.first ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw badInput("first", `first must be between 1 and ${MAX_PAGE}`);
  let before: bigint | null = null;
  if (a.after) {
    if (!/^\d{1,19}$/.test(a.after)) throw badInput("after", "the cursor is not one this API gave out");
    before = BigInt(a.after);
  }
  return read(deps, actor, async (tx, auth) => {
    const where = whereOfFilter(a.filter ?? {});
    const out = [];
    let hasNextPage = false;
    for (;;) {
      const batch = await tx.auditEvent.findMany({ where: { ...where, ...(before !== null ? { seq: { lt: before } } : {}) }, orderBy: { seq: "desc" }, take: size * 2 });
      for (const e of batch) {
        before = e.seq;
        if (!maySeeEvent(auth, "list", e)) continue;
        if (out.length === size) {
          hasNextPage = true;
          break;
        }
        out.push(e);
      }
      if (hasNextPage || batch.length < size * 2) break;
    }
    return { nodes: out, cursors: out.map((e) => e.seq.toString()), hasNextPage };
  });
}

/** Walks the tenant's whole chain; reports the first broken link when a row was altered or removed. */
export function verifyAuditChain(deps: CoreDeps, actor: Actor): Promise<ChainVerdict> {
  return read(deps, actor, async (tx, auth) => {
    auth.require("get", "auditevents");
    const events = [];
    let after = 0n;
    for (;;) {
      const batch = await tx.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: 5000 });
      events.push(...batch);
      if (batch.length < 5000) break;
      after = batch.at(-1)!.seq;
    }
    return verifyChain(events);
  });
}
