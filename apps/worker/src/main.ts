import { createLogger, loadConfigOrExit } from "@palisade/config";
import { connect } from "@palisade/core";
import { createMailTransport } from "./mail/transport.ts";
import { startWorker } from "./worker.ts";

const config = loadConfigOrExit();
const log = createLogger("palisade-worker", config.logLevel);
const connection = connect(config, "palisade-worker");
const mail = createMailTransport(config.mail, log);
const deps = { ...connection, mail, log };

await deps.jobs.schedule("expire-trials", config.worker.trialExpiryCron, {});
await deps.jobs.schedule("flow-retention", config.flows.retentionCron, { logDays: config.flows.logRetentionDays, rollupDays: config.flows.rollupRetentionDays });
const worker = startWorker(deps);
await worker.waitUntilReady();
log.info({ concurrency: config.worker.concurrency, mail: config.mail.smtpUrl ? "smtp" : config.mail.dir }, "Palisade worker ready");

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down: finishing running jobs");
  const force = setTimeout(() => process.exit(1), config.shutdownGraceMs);
  force.unref();
  await worker.close();
  mail.close();
  await connection.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
