// Protocol names Calico accepts in `protocol`/`notProtocol`, and their IP protocol numbers.
const NAMED: Readonly<Record<string, number>> = {
  TCP: 6,
  UDP: 17,
  ICMP: 1,
  ICMPV6: 58,
  SCTP: 132,
  UDPLITE: 136,
};

const known = new Map<string, number | undefined>();

/** The protocol number for a name (any case) or a number 1-255; undefined when neither. */
export function protocolNumber(p: string | number | undefined): number | undefined {
  if (p === undefined) return undefined;
  if (typeof p === "string") {
    if (known.has(p)) return known.get(p);
    const n = parseProtocol(p);
    if (known.size < 1000) known.set(p, n);
    return n;
  }
  return parseProtocol(p);
}

function parseProtocol(p: string | number): number | undefined {
  if (typeof p === "number") return Number.isInteger(p) && p >= 1 && p <= 255 ? p : undefined;
  if (/^\d+$/.test(p)) return parseProtocol(Number(p));
  return NAMED[p.toUpperCase()];
}

/** Protocols that carry ports, the only ones a rule may combine with `ports`/`notPorts`. */
export function hasPorts(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 132 || proto === 136;
}

export function isIcmp(proto: number): boolean {
  return proto === 1 || proto === 58;
}
