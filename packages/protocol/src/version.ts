/**
 * The protocol between connector and API. A connector states the protocol version it speaks in its hello;
 * the API accepts every version from MIN_SUPPORTED_PROTOCOL to PROTOCOL_VERSION and refuses the rest with
 * the range it accepts, so an old or too-new connector is told what to upgrade to.
 */
export const PROTOCOL_VERSION = 1;
export const MIN_SUPPORTED_PROTOCOL = 1;

export type Compatibility = { ok: true } | { ok: false; reason: string };

export function checkProtocolVersion(version: number, min = MIN_SUPPORTED_PROTOCOL, max = PROTOCOL_VERSION): Compatibility {
  if (version >= min && version <= max) return { ok: true };
  const range = min === max ? `${min}` : `${min} to ${max}`;
  const advice = version < min ? "upgrade the connector" : "this Palisade is older than the connector; use a connector of its version";
  return { ok: false, reason: `protocol version ${version} is not supported: Palisade speaks protocol ${range}; ${advice}` };
}
