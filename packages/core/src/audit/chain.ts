import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

/** The fields of an event that its hash covers, in a fixed order. */
export interface ChainedFields {
  tenantId: string;
  seq: bigint;
  at: Date;
  actorKind: string;
  actorId: string | null;
  actorDisplay: string;
  sourceAddress: string | null;
  requestId: string | null;
  verb: string;
  kind: string;
  clusterId: string | null;
  namespace: string | null;
  name: string | null;
  tier: string | null;
  beforeYaml: string | null;
  afterYaml: string | null;
  revision: number | null;
  outcome: string;
  reason: string | null;
  prevHash: string;
}

/** sha256 over the canonical event (a JSON array of its fields) and the predecessor's hash. */
export function eventHash(e: ChainedFields): string {
  const canonical = JSON.stringify([
    e.tenantId,
    e.seq.toString(),
    e.at.toISOString(),
    e.actorKind,
    e.actorId,
    e.actorDisplay,
    e.sourceAddress,
    e.requestId,
    e.verb,
    e.kind,
    e.clusterId,
    e.namespace,
    e.name,
    e.tier,
    e.beforeYaml,
    e.afterYaml,
    e.revision,
    e.outcome,
    e.reason,
  ]);
  return createHash("sha256").update(canonical).update("\n").update(e.prevHash).digest("hex");
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  /** the first event whose link does not hold, and why */
  firstBroken: { seq: number; reason: string } | null;
}

/** Walks events in seq order: seq gapless from 1, each prevHash its predecessor's hash, each hash recomputed. */
export function verifyChain(events: Iterable<ChainedFields & { hash: string }>): ChainVerdict {
  let expectedSeq = 1n;
  let prev = GENESIS_HASH;
  let checked = 0;
  for (const e of events) {
    const seq = Number(e.seq);
    if (e.seq !== expectedSeq) return { ok: false, checked, firstBroken: { seq, reason: `expected event ${expectedSeq} but found ${e.seq}: an event is missing` } };
    if (e.prevHash !== prev) return { ok: false, checked, firstBroken: { seq, reason: "its prev_hash is not the hash of the event before it" } };
    if (eventHash(e) !== e.hash) return { ok: false, checked, firstBroken: { seq, reason: "its content does not match its hash: the event was altered" } };
    prev = e.hash;
    expectedSeq++;
    checked++;
  }
  return { ok: true, checked, firstBroken: null };
}
