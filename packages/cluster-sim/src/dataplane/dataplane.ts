import { appendFileSync } from "node:fs";
import type { Verdict, SideVerdict } from "@palisade/policy";
import type { ObjectStore } from "../store/object-store.ts";
import { PolicyView } from "./policy-view.ts";
import { FlowAggregator, type FlowObservation } from "./flow-aggregator.ts";
import type { FlowLogRecord } from "./flow-log-record.ts";
import { resolve, serviceFor, type Endpoint } from "./endpoints.ts";
import type { Connection } from "./connections.ts";

/** source ports 32768-60767, about Linux's default ephemeral range */
const EPHEMERAL_PORTS = 28000;

export interface DataplaneOptions {
  store: ObjectStore;
  connections: Connection[];
  random: () => number;
  /** Append flow logs (JSON lines) to this file at each flush. */
  flowLogPath?: string;
  /** Flush interval of flow logs; Calico's default is 15 s. */
  flushIntervalMs?: number;
  /** Rounds per second of the traffic generator (each round makes every connection once); 0 = only on advance(). */
  rate?: number;
  now?: () => number;
}

export interface ConnectionResult {
  id: string;
  src: Endpoint;
  dst: Endpoint;
  verdict: Verdict;
}

const MAX_KEPT = 100_000;

/**
 * The simulated dataplane: a traffic generator that makes the scenario's connections, judges each
 * with @palisade/policy over what the API stores at that moment, and writes Calico flow logs.
 */
export class Dataplane {
  readonly policies: PolicyView;
  private readonly aggregator = new FlowAggregator();
  private nextPort: number | undefined;
  private readonly kept: FlowLogRecord[] = [];
  private readonly latest = new Map<string, ConnectionResult>();
  private readonly timers: NodeJS.Timeout[] = [];
  private intervalStart: number;
  private readonly now: () => number;
  // Endpoint and service lookups, valid until the next change to the store.
  private readonly endpoints = new Map<string, Endpoint | undefined>();
  private readonly services = new Map<string, ReturnType<typeof serviceFor>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly o: DataplaneOptions) {
    this.policies = new PolicyView(o.store);
    this.unsubscribe = o.store.subscribe(() => {
      this.endpoints.clear();
      this.services.clear();
    });
    this.now = o.now ?? Date.now;
    this.intervalStart = this.now();
  }

  start(): void {
    const rate = this.o.rate ?? 1;
    if (rate > 0) this.timers.push(setInterval(() => this.round(), Math.max(10, 1000 / rate)));
    this.timers.push(setInterval(() => this.flush(), this.o.flushIntervalMs ?? 15_000));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.unsubscribe();
    this.policies.stop();
  }

  /** Makes every connection `rounds` times, now. */
  advance(rounds = 1): ConnectionResult[] {
    let last: ConnectionResult[] = [];
    for (let i = 0; i < rounds; i++) last = this.round();
    return last;
  }

  /** Ends the current aggregation interval: its records are appended to the flow log and returned. */
  flush(): FlowLogRecord[] {
    const end = this.now();
    const records = this.aggregator.drain(Math.floor(this.intervalStart / 1000), Math.floor(end / 1000));
    this.intervalStart = end;
    if (!records.length) return records;
    if (this.o.flowLogPath) appendFileSync(this.o.flowLogPath, records.map((r) => JSON.stringify(r) + "\n").join(""));
    this.kept.push(...records);
    if (this.kept.length > MAX_KEPT) this.kept.splice(0, this.kept.length - MAX_KEPT);
    return records;
  }

  /** Every record flushed so far (the most recent 100,000). */
  records(): FlowLogRecord[] {
    return [...this.kept];
  }

  /** The last verdict of each connection, by connection id. */
  lastResults(): Map<string, ConnectionResult> {
    return new Map(this.latest);
  }

  private round(): ConnectionResult[] {
    const out: ConnectionResult[] = [];
    for (const c of this.o.connections) {
      const src = this.endpoint(c.src);
      const dst = this.endpoint(c.dst);
      if (!src || !dst) continue; // a connection whose pod does not exist (yet) is not made
      const verdict = this.policies.policySet.evaluate({
        src: src.pod ? { pod: `${src.namespace}/${src.name}` } : { ip: src.ip },
        dst: dst.pod ? { pod: `${dst.namespace}/${dst.name}` } : { ip: dst.ip },
        protocol: c.protocol,
        port: c.port,
        ...("ip" in c.dst && c.dst.domains ? { domains: c.dst.domains } : {}),
      });
      const result = { id: c.id, src, dst, verdict };
      this.latest.set(c.id, result);
      out.push(result);
      this.observe(c, result);
    }
    return out;
  }

  private endpoint(ref: Connection["src"]): Endpoint | undefined {
    const k = JSON.stringify(ref);
    if (!this.endpoints.has(k)) this.endpoints.set(k, resolve(this.o.store, ref));
    return this.endpoints.get(k);
  }

  private observe(c: Connection, { src, dst, verdict }: ConnectionResult): void {
    // ephemeral ports taken in turn, as a kernel does, from a random start: random ports repeated a 5-tuple
    // now and then, and Felix (like the aggregator) counts a repeated tuple as the same flow
    this.nextPort ??= Math.floor(this.o.random() * EPHEMERAL_PORTS);
    const sourcePort = 32768 + (this.nextPort++ % EPHEMERAL_PORTS);
    const svcKey = `${dst.namespace}/${dst.name}:${c.port}`;
    if (!this.services.has(svcKey)) this.services.set(svcKey, serviceFor(this.o.store, dst.pod, c.port));
    const svc = this.services.get(svcKey);
    const domains = "ip" in c.dst ? (c.dst.domains ?? null) : null;
    const base = (reporter: "src" | "dst", side: SideVerdict, pending: SideVerdict | null, host: string | null): FlowObservation => {
      const allowed = side.action === "allow";
      // Byte and packet counts are synthetic: a short request/response, or a lone SYN when denied.
      const sent = allowed ? { packets: 5, bytes: 420 } : { packets: 1, bytes: 60 };
      const received = allowed ? { packets: 4, bytes: 1180 } : { packets: 0, bytes: 0 };
      const fromSource = reporter === "src";
      return {
        source_type: src.type,
        source_namespace: src.namespace,
        source_name: src.name,
        source_name_aggr: src.nameAggr,
        source_ip: src.ip,
        source_port: sourcePort,
        source_labels: src.labels ? { labels: src.labels } : null,
        dest_type: dst.type,
        dest_namespace: dst.namespace,
        dest_name: dst.name,
        dest_name_aggr: dst.nameAggr,
        dest_ip: dst.ip,
        dest_port: c.port,
        dest_labels: dst.labels ? { labels: dst.labels } : null,
        dest_domains: domains,
        dest_service_namespace: svc?.namespace ?? "-",
        dest_service_name: svc?.name ?? "-",
        dest_service_port: svc?.portName ?? "-",
        dest_service_port_num: svc?.port ?? null,
        proto: c.protocol.toLowerCase(),
        reporter,
        action: side.action,
        policies: { enforced_policies: side.policies, pending_policies: (pending ?? side).policies },
        bytes_in: fromSource ? received.bytes : sent.bytes,
        bytes_out: fromSource ? sent.bytes : received.bytes,
        packets_in: fromSource ? received.packets : sent.packets,
        packets_out: fromSource ? sent.packets : received.packets,
        num_flows: 1,
        num_flows_started: 1,
        num_flows_completed: 1,
        host: host ?? "-",
      };
    };
    if (verdict.egress) this.aggregator.add(base("src", verdict.egress, verdict.pending.egress, src.host));
    // The destination sees the flow only if the source's egress let it out.
    if (verdict.ingress && (!verdict.egress || verdict.egress.action === "allow")) {
      this.aggregator.add(base("dst", verdict.ingress, verdict.pending.ingress, dst.host));
    }
  }
}
