import { describe, expect, it } from "vitest";
import { eventHash, GENESIS_HASH, verifyChain, type ChainedFields } from "./chain.ts";

function chain(n: number) {
  const out: Array<ChainedFields & { hash: string }> = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e: ChainedFields = {
      tenantId: "t", seq: BigInt(i), at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), actorKind: "user", actorId: "u", actorDisplay: "a@x.com",
      sourceAddress: null, requestId: null, verb: "create", kind: "NetworkPolicy", clusterId: "c", namespace: "ns", name: `default.p${i}`,
      tier: "default", beforeYaml: null, afterYaml: `name: p${i}\n`, revision: 1, outcome: "ALLOWED", reason: null, prevHash: prev,
    };
    prev = eventHash(e);
    out.push({ ...e, hash: prev });
  }
  return out;
}

describe("the audit chain", () => {
  it("verifies an untouched chain", () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, checked: 5, firstBroken: null });
  });
  it("names the first altered event", () => {
    const c = chain(5);
    c[2]!.afterYaml = "name: tampered\n";
    expect(verifyChain(c).firstBroken).toEqual({ seq: 3, reason: "its content does not match its hash: the event was altered" });
  });
  it("names the event after a removed one", () => {
    const c = chain(5);
    c.splice(1, 1);
    expect(verifyChain(c).firstBroken?.seq).toBe(3);
  });
  it("notices a rehashed event through its successor's link", () => {
    const c = chain(4);
    c[1]!.name = "default.other";
    c[1]!.hash = eventHash(c[1]!);
    expect(verifyChain(c).firstBroken).toEqual({ seq: 3, reason: "its prev_hash is not the hash of the event before it" });
  });
});
