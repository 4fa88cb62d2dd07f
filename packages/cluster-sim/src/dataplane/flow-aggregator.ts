import type { FlowLogRecord } from "./flow-log-record.ts";

type Counters = Pick<FlowLogRecord, "bytes_in" | "bytes_out" | "packets_in" | "packets_out" | "num_flows" | "num_flows_started" | "num_flows_completed">;
export type FlowObservation = Omit<FlowLogRecord, "start_time" | "end_time">;

/**
 * Aggregates flow observations over one flush interval as Felix does with its default levels:
 * allowed flows by pod prefix (names become "-", IPs and source port null, the *_name_aggr fields
 * identify the workloads), denied flows by source port only (names and IPs kept).
 */
export class FlowAggregator {
  private readonly buckets = new Map<string, { record: FlowObservation; tuples: Set<string> }>();

  add(o: FlowObservation): void {
    const masked: FlowObservation = { ...o, source_port: null };
    if (o.action === "allow") {
      masked.source_name = "-";
      masked.dest_name = "-";
      masked.source_ip = null;
      masked.dest_ip = null;
    }
    const { bytes_in: _a, bytes_out: _b, packets_in: _c, packets_out: _d, num_flows: _e, num_flows_started: _f, num_flows_completed: _g, ...identity } = masked;
    const key = JSON.stringify(identity);
    const tuple = `${o.source_ip}:${o.source_port}>${o.dest_ip}:${o.dest_port}/${o.proto}`;
    const b = this.buckets.get(key);
    if (!b) {
      this.buckets.set(key, { record: masked, tuples: new Set([tuple]) });
      return;
    }
    const r = b.record;
    for (const k of ["bytes_in", "bytes_out", "packets_in", "packets_out", "num_flows_started", "num_flows_completed"] as (keyof Counters)[]) r[k] += o[k];
    b.tuples.add(tuple);
    r.num_flows = b.tuples.size;
  }

  drain(startTime: number, endTime: number): FlowLogRecord[] {
    const out = [...this.buckets.values()].map((b) => ({ start_time: startTime, end_time: endTime, ...b.record }));
    this.buckets.clear();
    return out;
  }
}
