export { PROTOCOL_VERSION, MIN_SUPPORTED_PROTOCOL, checkProtocolVersion, type Compatibility } from "./version.ts";
export { MAX_MESSAGE_BYTES, MAX_BATCH_RECORDS } from "./limits.ts";
export * from "./messages.ts";
export { parseConnectorMessage, parseApiMessage, encode, type Parsed } from "./parse.ts";
/** The path of the connector's WebSocket on the API. */
export const CONNECT_PATH = "/connect";
