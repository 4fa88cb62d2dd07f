import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkProtocolVersion, encode, parseApiMessage, parseConnectorMessage, PROTOCOL_VERSION } from "./index.ts";

const hello = {
  type: "hello",
  protocol: PROTOCOL_VERSION,
  connectorVersion: "0.1.0",
  clusterUid: "8b0c6f4e-0000-4000-8000-000000000001",
  auth: { registrationToken: "reg_x" },
};

describe("connector messages", () => {
  it("accepts a hello with a registration token and defaults the applied revision to 0", () => {
    const r = parseConnectorMessage(JSON.stringify(hello));
    expect(r).toEqual({ ok: true, message: { ...hello, appliedRevision: 0 } });
  });

  it("accepts a hello with a credential instead of a token", () => {
    const r = parseConnectorMessage(JSON.stringify({ ...hello, auth: { credential: "ccr_y" }, appliedRevision: 7 }));
    expect(r.ok && r.message.type === "hello" && r.message.appliedRevision).toBe(7);
  });

  it("refuses text that is not JSON, saying so", () => {
    expect(parseConnectorMessage("{nope")).toEqual({ ok: false, reason: "message is not JSON" });
  });

  it("refuses an unknown message type", () => {
    const r = parseConnectorMessage(JSON.stringify({ type: "shutdown" }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^invalid message at type/);
  });

  it("names the field that is wrong", () => {
    const r = parseConnectorMessage(JSON.stringify({ ...hello, clusterUid: "" }));
    expect(!r.ok && r.reason).toMatch(/at clusterUid/);
  });

  it("refuses a message over the byte limit before parsing it", () => {
    const r = parseConnectorMessage("x".repeat(101), 100);
    expect(r).toEqual({ ok: false, reason: "message of 101 bytes is larger than the limit of 100 bytes" });
  });

  it("refuses a flow batch without an id, with no records, or with too many records", () => {
    const id = randomUUID();
    expect(parseConnectorMessage(JSON.stringify({ type: "flowBatch", records: [{ a: 1 }] })).ok).toBe(false);
    expect(parseConnectorMessage(JSON.stringify({ type: "flowBatch", id, records: [] })).ok).toBe(false);
    const big = parseConnectorMessage(JSON.stringify({ type: "flowBatch", id, records: Array.from({ length: 10_001 }, () => ({ a: 1 })) }));
    expect(!big.ok && big.reason).toMatch(/at records/);
    const ok = parseConnectorMessage(JSON.stringify({ type: "flowBatch", id, records: [{ start_time: 1 }] }));
    expect(ok).toEqual({ ok: true, message: { type: "flowBatch", id, records: [{ start_time: 1 }], dropped: 0 } });
  });

  it("carries a per-object outcome in a policy acknowledgement", () => {
    const ack = {
      type: "policyAck",
      revision: 4,
      outcomes: [
        { ref: { apiVersion: "projectcalico.org/v3", kind: "NetworkPolicy", namespace: "shop", name: "default.a" }, outcome: "APPLIED" },
        { ref: { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", name: "b" }, outcome: "FAILED", message: "422 Invalid" },
      ],
    };
    expect(parseConnectorMessage(encode(ack as never))).toEqual({ ok: true, message: ack });
  });
});

describe("API messages", () => {
  it("round-trips a welcome carrying the new credential", () => {
    const welcome = { type: "welcome", protocol: 1, clusterId: randomUUID(), clusterName: "eks", credential: "ccr_z", heartbeatSeconds: 10 } as const;
    expect(parseApiMessage(encode(welcome))).toEqual({ ok: true, message: welcome });
  });

  it("refusals carry a code and a reason", () => {
    const r = parseApiMessage(JSON.stringify({ type: "refused", code: "TOKEN_USED", reason: "the registration token was already used" }));
    expect(r.ok && r.message.type === "refused" && r.message.code).toBe("TOKEN_USED");
    expect(parseApiMessage(JSON.stringify({ type: "refused", code: "WHATEVER", reason: "x" })).ok).toBe(false);
  });
});

describe("protocol versions", () => {
  it("accepts the current version", () => {
    expect(checkProtocolVersion(PROTOCOL_VERSION)).toEqual({ ok: true });
  });

  it("tells an older connector to upgrade, with the range Palisade speaks", () => {
    expect(checkProtocolVersion(1, 2, 3)).toEqual({ ok: false, reason: "protocol version 1 is not supported: Palisade speaks protocol 2 to 3; upgrade the connector" });
  });

  it("tells a newer connector that Palisade is older", () => {
    const r = checkProtocolVersion(PROTOCOL_VERSION + 1);
    expect(!r.ok && r.reason).toMatch(/Palisade speaks protocol 1; this Palisade is older than the connector/);
  });
});
