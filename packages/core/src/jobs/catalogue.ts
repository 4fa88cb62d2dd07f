import type { JobsOptions } from "bullmq";
import { z } from "zod";

/**
 * Every job Palisade runs: its payload, its retry policy and its idempotency key. Producers enqueue by
 * name with a checked payload (JobQueue.enqueue); apps/worker holds one handler per name, each safe to run
 * twice.
 */
export const jobCatalogue = {
  "provision-tenant": {
    payload: z.object({ trialRequestId: z.uuid() }),
    options: { attempts: 8, backoff: { type: "exponential", delay: 1000 } },
    jobId: (p: { trialRequestId: string }) => `provision-tenant-${p.trialRequestId}`,
  },
  "send-email": {
    payload: z.object({ emailId: z.uuid() }),
    options: { attempts: 10, backoff: { type: "exponential", delay: 2000 } },
    jobId: (p: { emailId: string }) => `send-email-${p.emailId}`,
  },
  /** one alert of an alert rule for one audit event (attempts are counted on the delivery row) */
  "deliver-alert": {
    payload: z.object({ tenantId: z.uuid(), deliveryId: z.uuid() }),
    options: { attempts: 6, backoff: { type: "exponential", delay: 2000 } },
    jobId: (p: { deliveryId: string }) => `deliver-alert-${p.deliveryId}`,
  },
  /** on a schedule: the coming days' flow partitions created, those past every tenant's retention dropped */
  "flow-retention": {
    payload: z.object({ logDays: z.number().int().min(1).max(3650), rollupDays: z.number().int().min(1).max(3650) }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 60_000 } },
    jobId: undefined,
  },
  /** writes one flow log export's file (flows/exports.ts); a retry writes it again from the start */
  "flow-export": {
    payload: z.object({ tenantId: z.uuid(), exportId: z.uuid(), visibleNamespaces: z.array(z.string()).nullable() }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 5000 } },
    jobId: (p: { exportId: string }) => `flow-export-${p.exportId}`,
  },
  "expire-trials": {
    payload: z.object({}),
    options: { attempts: 3, backoff: { type: "exponential", delay: 60_000 } },
    jobId: undefined,
  },
} satisfies Record<string, { payload: z.ZodType; options: JobsOptions; jobId: ((p: never) => string) | undefined }>;

export type JobName = keyof typeof jobCatalogue;
export type JobPayload<N extends JobName> = z.output<(typeof jobCatalogue)[N]["payload"]>;

export const QUEUE_NAME = "palisade";
