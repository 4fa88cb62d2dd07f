import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { jobCatalogue, QUEUE_NAME, type JobName, type JobPayload } from "./catalogue.ts";

/** The producer side: enqueue a catalogued job with a checked payload and its idempotency key. */
export class JobQueue {
  readonly queue: Queue;

  constructor(connection: Redis, readonly prefix: string) {
    this.queue = new Queue(QUEUE_NAME, {
      connection,
      prefix,
      defaultJobOptions: { removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } },
    });
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>): Promise<string | undefined> {
    const entry = jobCatalogue[name];
    const data = entry.payload.parse(payload);
    const jobId = entry.jobId ? (entry.jobId as (p: JobPayload<N>) => string)(data as JobPayload<N>) : undefined;
    const job = await this.queue.add(name, data, { ...entry.options, ...(jobId ? { jobId } : {}) });
    return job.id;
  }

  /** Idempotent: re-declaring a scheduler updates it rather than adding a second one. */
  async schedule<N extends JobName>(name: N, cron: string, payload: JobPayload<N>): Promise<void> {
    const entry = jobCatalogue[name];
    await this.queue.upsertJobScheduler(`${name}-schedule`, { pattern: cron, tz: "UTC" }, { name, data: entry.payload.parse(payload), opts: entry.options });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
