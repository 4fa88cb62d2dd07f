import { deliverAlert, expireTrials, provisionTenant, removeExpiredExports, runFlowExport, runFlowRetention, type JobName, type JobPayload } from "@palisade/core";
import { setTimeout as sleep } from "node:timers/promises";
import type { WorkerDeps } from "../deps.ts";
import { sendEmail } from "./send-email.ts";

type Handlers = { [N in JobName]: (deps: WorkerDeps, payload: JobPayload<N>) => Promise<unknown> };

/** One handler per catalogued job; each is safe to run twice. */
export const handlers: Handlers = {
  "provision-tenant": (deps, p) => {
    const pauseMs = deps.config.faults.provisionPauseMs;
    return provisionTenant(deps, p.trialRequestId, pauseMs > 0 ? () => sleep(pauseMs) : undefined);
  },
  "send-email": (deps, p) => sendEmail(deps, p),
  "deliver-alert": (deps, p) => deliverAlert(deps, p),
  "expire-trials": (deps) => expireTrials(deps),
  // the scheduled retention run also removes flow exports older than a day (as every export job does first)
  "flow-retention": async (deps, p) => {
    const outcome = await runFlowRetention(deps, p);
    return { ...outcome, exportsRemoved: await removeExpiredExports(deps) };
  },
  "flow-export": (deps, p) => runFlowExport(deps, p),
};
