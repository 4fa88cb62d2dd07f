import { describe, expect, it } from "vitest";
import { statusView, STALE_AFTER_MS } from "./status.ts";

const row = (o: Record<string, unknown>) =>
  ({
    clusterId: "c", tenantId: "t", kubeSystemUid: "u", connectedName: null, connectorVersion: "0.1.0", calicoVersion: null, nodes: 0, pods: 0,
    connected: false, sessionId: null, connectedAt: null, disconnectedAt: null, lastHeartbeatAt: null, appliedRevision: 0n, syncErrors: [],
    inventory: null, droppedBatches: 0, registeredAt: new Date(0), ...o,
  }) as never;

describe("statusView", () => {
  const t = new Date("2026-11-28T03:00:00Z");
  it("is PENDING before any connector registered", () => {
    expect(statusView("c", null, t)).toMatchObject({ state: "PENDING", since: null });
  });

  it("is CONNECTED since the connection began while heartbeats arrive", () => {
    const v = statusView("c", row({ connected: true, connectedAt: new Date(t.getTime() - 3_600_000), lastHeartbeatAt: new Date(t.getTime() - 5000) }), t);
    expect(v).toMatchObject({ state: "CONNECTED", since: new Date(t.getTime() - 3_600_000).toISOString() });
  });

  it("is DISCONNECTED since the last heartbeat when heartbeats stopped and no close was recorded", () => {
    const last = new Date(t.getTime() - STALE_AFTER_MS - 1);
    expect(statusView("c", row({ connected: true, connectedAt: new Date(0), lastHeartbeatAt: last }), t)).toMatchObject({ state: "DISCONNECTED", since: last.toISOString() });
  });

  it("is DISCONNECTED since the recorded close", () => {
    const at = new Date(t.getTime() - 1000);
    expect(statusView("c", row({ connected: false, disconnectedAt: at }), t)).toMatchObject({ state: "DISCONNECTED", since: at.toISOString() });
  });
});
