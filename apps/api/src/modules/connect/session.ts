import { randomUUID } from "node:crypto";
import type { Logger } from "@palisade/config";
import {
  authenticateConnector,
  ConnectRefusal,
  connectorControlChannel,
  markConnected,
  markDisconnected,
  recordHeartbeat,
  recordInventory,
  registerConnector,
  rotateClusterCredential,
  type ConnectorControl,
  type ConnectorIdentity,
} from "@palisade/core";
import {
  checkProtocolVersion,
  encode,
  parseConnectorMessage,
  PROTOCOL_VERSION,
  type ApiMessage,
  type ConnectorMessage,
  type FlowBatch,
  type Hello,
  type RefusalCode,
} from "@palisade/protocol";
import type { WebSocket } from "ws";
import type { ApiDeps } from "../../deps.ts";
import { BatchRefused, type FlowStore } from "../flows/flow-store.ts";
import type { PolicySync } from "./policy-sync.ts";

export interface SessionOptions {
  heartbeatSeconds: number;
  /** how long a connector has to say hello */
  helloTimeoutMs: number;
  flows: FlowStore;
  policy: PolicySync | null;
}

const FLOW_CONCURRENCY = 3;

/** WebSocket close codes: 4400 bad hello, 4401 refused credentials, 4408 silent peer, 4409 replaced, 4410 revoked. */
const CLOSE = { refused: 4401, badHello: 4400, silent: 4408, revoked: 4410 } as const;

/**
 * One connector's connection: hello (versions, identity, registration token or credential), then
 * heartbeats both ways, flow batches stored and acknowledged, inventory and policy acknowledgements.
 * A bad message gets an error naming why and changes nothing; the connection stays.
 */
export class ConnectorSession {
  private readonly id = randomUUID();
  private who: ConnectorIdentity | null = null;
  private lastSeen = Date.now();
  private timers: NodeJS.Timeout[] = [];
  private control: (AsyncIterableIterator<ConnectorControl> & { ready: Promise<void> }) | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private stopPolicy: (() => void) | null = null;
  private readonly flowsInFlight = new Set<Promise<unknown>>();
  private readonly log: Logger;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: ApiDeps,
    private readonly options: SessionOptions,
  ) {
    this.log = deps.log.child({ session: this.id });
    const helloTimer = setTimeout(() => this.refuse("BAD_MESSAGE", "no hello within the time allowed", CLOSE.badHello), options.helloTimeoutMs);
    this.timers.push(helloTimer);
    // messages are handled one at a time, in order: a batch's ack never overtakes the batch before it
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      this.lastSeen = Date.now();
      this.chain = this.chain.then(() => this.onMessage(data, isBinary)).catch((e) => this.log.error({ err: e }, "connector message failed"));
    });
    ws.on("close", () => void this.onClose());
    ws.on("error", (e) => this.log.warn({ err: e }, "connector socket error"));
  }

  private send(m: ApiMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encode(m));
  }

  private refuse(code: RefusalCode, reason: string, closeCode: number = CLOSE.refused): void {
    this.send({ type: "refused", code, reason });
    this.ws.close(closeCode, reason.slice(0, 120));
  }

  private async onMessage(data: Buffer, isBinary: boolean): Promise<void> {
    if (this.closed) return;
    const parsed = isBinary ? ({ ok: false, reason: "binary messages are not part of the protocol" } as const) : parseConnectorMessage(data);
    if (!parsed.ok) {
      if (!this.who) return this.refuse("BAD_MESSAGE", parsed.reason, CLOSE.badHello);
      return this.send({ type: "error", code: "BAD_MESSAGE", message: parsed.reason, ...refOf(data) });
    }
    const m = parsed.message;
    if (!this.who) {
      if (m.type !== "hello") return this.refuse("BAD_MESSAGE", `the first message must be hello, not ${m.type}`, CLOSE.badHello);
      return this.onHello(m);
    }
    await this.dispatch(m);
  }

  private async onHello(h: Hello): Promise<void> {
    clearTimeout(this.timers[0]);
    const version = checkProtocolVersion(h.protocol);
    if (!version.ok) return this.refuse("INCOMPATIBLE_PROTOCOL", version.reason, CLOSE.badHello);
    const now = this.deps.now();
    let credential: string | undefined;
    try {
      if ("registrationToken" in h.auth) {
        const r = await registerConnector(this.deps.db, { token: h.auth.registrationToken, kubeSystemUid: h.clusterUid, now });
        credential = r.credential;
        this.who = r;
      } else {
        this.who = await authenticateConnector(this.deps.db, { credential: h.auth.credential, kubeSystemUid: h.clusterUid, now });
      }
    } catch (e) {
      if (e instanceof ConnectRefusal) return this.refuse(e.code, e.message);
      throw e;
    }
    const who = this.who;
    this.log.info({ clusterId: who.clusterId, connectorVersion: h.connectorVersion, registered: credential !== undefined }, "connector connected");
    // listening for commands and CONNECTED before the welcome: whoever sees the welcome's effects can rotate or revoke
    this.control = this.deps.events.iterate<ConnectorControl>(connectorControlChannel(who.clusterId));
    void this.followControl(this.control);
    await this.control.ready;
    await markConnected(this.deps, { ...who, sessionId: this.id, connectorVersion: h.connectorVersion, calicoVersion: h.calicoVersion ?? null, now });
    this.send({ type: "welcome", protocol: PROTOCOL_VERSION, clusterId: who.clusterId, clusterName: who.clusterName, heartbeatSeconds: this.options.heartbeatSeconds, ...(credential ? { credential } : {}) });
    const beat = this.options.heartbeatSeconds * 1000;
    this.timers.push(
      setInterval(() => {
        if (Date.now() - this.lastSeen > 3 * beat) {
          this.log.warn({ clusterId: who.clusterId }, "connector silent for three heartbeats; closing");
          this.ws.terminate();
          return;
        }
        this.send({ type: "heartbeat", at: new Date().toISOString() });
      }, beat),
    );
    if (this.options.policy) {
      this.stopPolicy = await this.options.policy.onConnect(who, h.appliedRevision, (m) => this.send(m));
      if (this.closed) this.stopPolicy();
    }
  }

  private async followControl(it: AsyncIterableIterator<ConnectorControl>): Promise<void> {
    for await (const c of it) {
      if (!this.who) continue;
      if (c.action === "disconnect") this.refuse("UNAUTHENTICATED", c.reason, CLOSE.revoked);
      if (c.action === "rotate") {
        const who = this.who;
        const credential = await this.deps.db.withTenant(who.tenantId, (tx) => rotateClusterCredential(tx, { ...who, now: this.deps.now(), overlapSeconds: c.overlapSeconds }));
        this.send({ type: "credentialRotated", credential });
      }
    }
  }

  private async dispatch(m: ConnectorMessage): Promise<void> {
    const who = this.who!;
    switch (m.type) {
      case "hello":
        return this.send({ type: "error", code: "BAD_MESSAGE", message: "hello was already received on this connection" });
      case "heartbeat":
        return recordHeartbeat(this.deps, { ...who, now: this.deps.now() });
      case "flowBatch": {
        // batches are stored concurrently (up to FLOW_CONCURRENCY), so parsing the next overlaps the COPY of
        // this one; acknowledgements may come out of order, which the connector does not mind
        const p = this.onFlowBatch(m).catch((e) => this.log.error({ err: e, batch: m.id }, "storing a flow batch failed"));
        this.flowsInFlight.add(p);
        void p.finally(() => this.flowsInFlight.delete(p));
        if (this.flowsInFlight.size >= FLOW_CONCURRENCY) await Promise.race(this.flowsInFlight);
        return;
      }
      case "inventory":
        await recordInventory(this.deps, { ...who, calicoVersion: m.calicoVersion, nodes: m.nodes, pods: m.pods, inventory: { namespaces: m.namespaces, workloads: m.workloads, serviceAccounts: m.serviceAccounts } });
        return;
      case "policyAck":
      case "clusterResources":
      case "driftCorrected":
        if (this.options.policy) return this.options.policy.onMessage(who, m);
        return;
    }
  }

  private async onFlowBatch(m: FlowBatch): Promise<void> {
    const who = this.who!;
    try {
      const r = await this.options.flows.store({ tenantId: who.tenantId, clusterId: who.clusterId, batchId: m.id, records: m.records, receivedAt: this.deps.now() });
      if (m.dropped > 0) {
        this.log.warn({ clusterId: who.clusterId, dropped: m.dropped }, "connector's flow spool was full and dropped batches");
        await this.deps.db.withTenant(who.tenantId, (tx) => tx.clusterConnection.update({ where: { clusterId: who.clusterId }, data: { droppedBatches: { increment: m.dropped } } }));
      }
      this.send({ type: "flowAck", id: m.id, duplicate: r.duplicate });
    } catch (e) {
      if (e instanceof BatchRefused) return this.send({ type: "error", code: "BAD_MESSAGE", message: `flow batch ${m.id} refused: ${e.message}`, ref: m.id });
      throw e;
    }
  }

  private async onClose(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.stopPolicy?.();
    await this.control?.return?.();
    if (this.who) {
      await markDisconnected(this.deps, { ...this.who, sessionId: this.id, now: this.deps.now() }).catch((e) => this.log.warn({ err: e }, "could not mark the cluster disconnected"));
    }
  }
}

/** The batch id of a message that failed validation, when there is one, so the connector knows which. */
function refOf(data: Buffer): { ref?: string } {
  const m = /"id"\s*:\s*"([0-9a-f-]{36})"/.exec(data.subarray(0, 4096).toString());
  return m ? { ref: m[1]! } : {};
}
