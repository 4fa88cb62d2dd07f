import { deliverAlert, expireTrials, provisionTenant, runFlowExport, runFlowRetention, type JobName, type JobPayload } from "@palisade/core";
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
  "flow-retention": (deps, p) => runFlowRetention(deps, p),
  "flow-export": (deps, p) => runFlowExport(deps, p),
};
