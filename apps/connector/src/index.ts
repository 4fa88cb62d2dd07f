export { runConnector, CONNECTOR_VERSION } from "./agent.ts";
export { loadConnectorConfig, type ConnectorConfig } from "@palisade/config";
