import { createLogger, loadConfigOrExit } from "@palisade/config";
import { createApi } from "./app.ts";
import { connect } from "@palisade/core";

const config = loadConfigOrExit();
const log = createLogger("palisade-api", config.logLevel);
const deps = { ...connect(config, "palisade-api"), log };
const api = await createApi(deps);
const url = await api.listen(config.port, config.host);
log.info({ graphql: `${url}/graphql`, ide: `${url}/ide` }, `Palisade API listening on ${url}; GraphQL IDE at ${url}/ide`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down: no new connections; finishing in-flight requests");
  const force = setTimeout(() => {
    log.warn("in-flight work did not finish in time; exiting");
    process.exit(1);
  }, config.shutdownGraceMs);
  force.unref();
  await api.close();
  await deps.close();
  log.info("stopped");
  process.exit(0);
};
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
