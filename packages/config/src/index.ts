export { loadConfig, loadConfigOrExit, ConfigError, describeConfig } from "./load.ts";
export type { Config } from "./schema.ts";
export { configSchema, variables } from "./schema.ts";
export { createLogger } from "./logger.ts";
export type { Logger } from "./logger.ts";
export { connectorConfigSchema, loadConnectorConfig, type ConnectorConfig } from "./connector.ts";
