import { jobCatalogue, markProvisioningFailed, QUEUE_NAME, type JobName } from "@palisade/core";
import { Worker, type Job } from "bullmq";
import type { WorkerDeps } from "./deps.ts";
import { handlers } from "./jobs/handlers.ts";

/** Runs catalogued jobs from the queue; payloads are checked against the catalogue before a handler sees them. */
export function startWorker(deps: WorkerDeps): Worker {
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job) => {
      const name = job.name as JobName;
      const entry = jobCatalogue[name];
      if (!entry) throw new Error(`unknown job ${job.name}`);
      const payload = entry.payload.parse(job.data);
      const log = deps.log.child({ job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
      log.info("job started");
      const result = await (handlers[name] as (d: WorkerDeps, p: unknown) => Promise<unknown>)(deps, payload);
      log.info({ result }, "job done");
      return result ?? null;
    },
    { connection: deps.redis, prefix: deps.config.redisKeyPrefix, concurrency: deps.config.worker.concurrency, lockDuration: deps.config.worker.lockMs, stalledInterval: Math.max(1000, Math.floor(deps.config.worker.lockMs / 2)) },
  );
  worker.on("failed", (job, err) => {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    deps.log.warn({ job: job.name, jobId: job.id, attempt: job.attemptsMade, of: attempts, err: err.message }, "job failed");
    if (job.attemptsMade >= attempts && job.name === "provision-tenant") {
      void markProvisioningFailed(deps, (job.data as { trialRequestId: string }).trialRequestId, err.message);
    }
  });
  worker.on("error", (err) => deps.log.error({ err }, "worker error"));
  return worker;
}
