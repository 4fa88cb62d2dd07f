// Calico rule ports: a number, a range "first:last", or a named port resolved on the endpoint.
export type PortSpec =
  | { kind: "range"; first: number; last: number }
  | { kind: "named"; name: string };

const NAMED_PORT = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;

export function parsePort(p: unknown): PortSpec | string {
  if (typeof p === "number") {
    if (!Number.isInteger(p) || p < 0 || p > 65535) return `port ${p} is not between 0 and 65535`;
    return { kind: "range", first: p, last: p };
  }
  if (typeof p !== "string" || p.length === 0) return "a port must be a number, a range 'first:last' or a port name";
  const range = /^(\d+):(\d+)$/.exec(p);
  if (range) {
    const first = Number(range[1]);
    const last = Number(range[2]);
    if (first > 65535 || last > 65535) return `port range ${p} goes beyond 65535`;
    if (first > last) return `port range ${p} has its first port after its last`;
    return { kind: "range", first, last };
  }
  if (/^\d+$/.test(p)) return parsePort(Number(p));
  if (p.length > 15 || !NAMED_PORT.test(p) || !/[a-z]/i.test(p)) return `'${p}' is not a valid port name`;
  return { kind: "named", name: p };
}
