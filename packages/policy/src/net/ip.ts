// IPv4 and IPv6 addresses and CIDRs. IPv4 values are kept as numbers and IPv6 as bigints so
// containment is a shift and compare.

export interface Address {
  version: 4 | 6;
  value: bigint;
  /** the IPv4 address as an unsigned 32-bit number (-1 for IPv6): the fast path for containment */
  v4: number;
}
export interface Cidr {
  version: 4 | 6;
  base: bigint;
  prefix: number;
  text: string;
  /** IPv4 network and mask as unsigned 32-bit numbers */
  v4base: number;
  v4mask: number;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let text = s;
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = text.slice(0, lastColon + 1) + "0";
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const group = (h: string): bigint[] | undefined => {
    if (h === "") return [];
    const out: bigint[] = [];
    for (const g of h.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = group(halves[0] ?? "");
  const rest = halves.length === 2 ? group(halves[1] ?? "") : [];
  if (!head || !rest) return undefined;
  let groups: bigint[];
  if (tail.length > 0) {
    // the "0" placeholder stands for the two v4 groups
    if (rest.length > 0) rest.pop();
    else head.pop();
  }
  const known = head.length + rest.length + tail.length;
  if (halves.length === 2) {
    if (known > 7) return undefined;
    groups = [...head, ...Array<bigint>(8 - known).fill(0n), ...rest, ...tail];
  } else {
    if (known !== 8) return undefined;
    groups = [...head, ...tail];
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | g;
  return v;
}

export function parseAddress(s: string): Address | undefined {
  if (s.includes(":")) {
    const v = parseV6(s);
    return v === undefined ? undefined : { version: 6, value: v, v4: -1 };
  }
  const v = parseV4(s);
  return v === undefined ? undefined : { version: 4, value: v, v4: Number(v) };
}

/** A CIDR (`10.0.0.0/8`) or a bare address (a /32 or /128), as Calico accepts in `nets`. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf("/");
  const addr = parseAddress(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return undefined;
  const bits = addr.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > bits) return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  const base = (addr.value >> hostBits) << hostBits;
  const v4mask = addr.version === 4 && prefix > 0 ? (0xffffffff << (32 - prefix)) >>> 0 : 0;
  return { version: addr.version, base, prefix, text: s, v4base: addr.version === 4 ? Number(base) : -1, v4mask };
}

export function cidrContains(c: Cidr, a: Address): boolean {
  if (c.version !== a.version) return false;
  if (c.version === 4) return ((a.v4 & c.v4mask) >>> 0) === c.v4base;
  const hostBits = BigInt(128 - c.prefix);
  return (a.value >> hostBits) << hostBits === c.base;
}

export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.version === outer.version && inner.prefix >= outer.prefix && cidrContains(outer, { version: inner.version, value: inner.base, v4: inner.v4base });
}
