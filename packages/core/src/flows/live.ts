import type { Redis } from "ioredis";
import type { PubSub } from "../events/pubsub.ts";

/** A stored batch as live subscribers receive it: all of it, or an even sample of a large one and its size. */
export interface LiveFlowMessage {
  /** records in the batch */
  total: number;
  /** in batch order; every record when total <= LIVE_SAMPLE_MAX */
  records: Record<string, unknown>[];
}

/** Most records one batch puts on the channel: a subscriber never shows more than 10,000 a second anyway. */
export const LIVE_SAMPLE_MAX = 1000;

export const liveFlowsChannel = (tenantId: string, clusterId: string) => `flows:${tenantId}:${clusterId}`;

export function liveMessageOf(records: readonly Record<string, unknown>[], max = LIVE_SAMPLE_MAX): LiveFlowMessage {
  if (records.length <= max) return { total: records.length, records: [...records] };
  const step = records.length / max;
  const sample: Record<string, unknown>[] = [];
  for (let i = 0; i < max; i++) sample.push(records[Math.floor(i * step)]!);
  return { total: records.length, records: sample };
}

/**
 * Where FlowStore sends a batch after it committed: to the cluster's live subscribers on any API process. A
 * batch nobody listens to is not serialised at all (one PUBSUB NUMSUB instead of a megabyte through Redis).
 */
export class LivePublisher {
  constructor(
    private readonly events: Pick<PubSub, "publish">,
    private readonly redis: Pick<Redis, "pubsub">,
    private readonly prefix: string,
  ) {}

  async publish(tenantId: string, clusterId: string, records: readonly Record<string, unknown>[]): Promise<boolean> {
    const channel = liveFlowsChannel(tenantId, clusterId);
    const [, listeners] = (await this.redis.pubsub("NUMSUB", `${this.prefix}:${channel}`)) as [string, number | string];
    if (Number(listeners) === 0) return false;
    await this.events.publish(channel, liveMessageOf(records));
    return true;
  }
}

/**
 * Thins matching records to a rate per subscriber: at most `perSecond` in each clock second, the rest counted
 * as skipped and reported with the next records sent. Records of a sampled batch stand for total/sample
 * records each, so a sampled batch's skipped count is an estimate.
 */
export class LiveThinner {
  private second = -1;
  private sent = 0;
  private skipped = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => Date,
  ) {}

  /** `matched`: the message's records that pass the filter; answers what to send now, or null for nothing. */
  take<T>(message: { total: number; sampled: number }, matched: T[]): { records: T[]; skipped: number } | null {
    const second = Math.floor(this.now().getTime() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.sent = 0;
    }
    const room = Math.max(0, this.perSecond - this.sent);
    const records = matched.slice(0, room);
    this.sent += records.length;
    this.skipped += matched.length - records.length;
    if (message.total > message.sampled && message.sampled > 0) {
      // the records the sample left out, in the proportion the sample matched
      this.skipped += Math.round((matched.length * (message.total - message.sampled)) / message.sampled);
    }
    if (records.length === 0) return null;
    const skipped = this.skipped;
    this.skipped = 0;
    return { records, skipped };
  }
}
