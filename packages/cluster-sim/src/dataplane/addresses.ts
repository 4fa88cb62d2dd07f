export function ipv4ToInt(ip: string): number | undefined {
  const m = ip.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** Prefix length of `cidr` when it contains `ip`, else -1. */
export function cidrMatch(cidr: string, ip: string): number {
  const [base, lenText] = cidr.split("/");
  const len = lenText === undefined ? 32 : Number(lenText);
  const b = ipv4ToInt(base ?? "");
  const a = ipv4ToInt(ip);
  if (b === undefined || a === undefined || !(len >= 0 && len <= 32)) return -1;
  const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0) ? len : -1;
}

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** Calico's `pvt` (RFC 1918) versus `pub` for an address that belongs to no endpoint or network set. */
export function isPrivate(ip: string): boolean {
  return PRIVATE.some((c) => cidrMatch(c, ip) >= 0);
}
