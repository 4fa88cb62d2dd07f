import pino from "pino";
import { runConnector } from "./agent.ts";
import { loadConnectorConfig } from "@palisade/config";

const config = loadConnectorConfig();
const log = pino({ name: "palisade-connector", level: config.logLevel });
const connector = await runConnector(config, log);
const stop = (signal: string) => {
  log.info({ signal }, "stopping");
  connector.stop();
  setTimeout(() => process.exit(0), 500).unref();
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
await connector.done;
