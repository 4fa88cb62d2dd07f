import type { Entity } from "./entities.ts";
import type { FlowContext } from "./rule.ts";
import type { SelectionTable } from "./selection-table.ts";

// One compiled rule is one row of int32 words: the walk reads a rule from one cache line instead
// of chasing a closure, its context and the objects behind it (which missed the caches for each
// of the ~16 rules a flow meets). Fields that are rare (nets beyond one IPv4 CIDR, notNets, notPorts,
// ICMP, domains, ipVersion, port lists beyond one range and one name) sit behind one closure per
// rule, `rest`.
// Sixteen words, one 64-byte cache line per rule.
export const PROTO = 0; // protocol number, -1 any, NEVER when the rule cannot match
export const NOT_PROTO = 1; // -1 none
export const PORT_LO = 2; // a destination port range, -1 none
export const PORT_HI = 3;
export const PORT_NAME = 4; // index in names: a named port resolved on the destination pod, -1 none
export const PORTS = 5; // index in portChecks for any other port list, -1 none
export const SRC_SEL = 6; // selection ids, -1 none
export const DST_SEL = 7;
export const SRC_NOT_SEL = 8;
export const DST_NOT_SEL = 9;
export const REST = 10; // index in rest, -1 none
// FLAGS: the action (ALLOW, DENY, PASS or LOG) shifted left by 2, and which sides have `nets` of
// exactly one IPv4 CIDR (the common case), kept below as network and mask: 1 source, 2 destination.
export const FLAGS = 11;
export const SRC_NET = 12;
export const SRC_MASK = 13;
export const DST_NET = 14;
export const DST_MASK = 15;
export const WIDTH = 16;
/** PROTO of a rule that can never match (source ports, services): no flow has protocol -2 */
export const NEVER = -2;
export const ALLOW = 0;
export const DENY = 1;
export const PASS = 2;
export const LOG = 3;

export type PortCheck = (port: number | undefined, proto: number, e: Entity) => boolean;

export class RuleTable {
  words = new Int32Array(WIDTH * 256);
  count = 0;
  readonly names: string[] = [];
  readonly portChecks: PortCheck[] = [];
  readonly rest: Array<(f: FlowContext) => boolean> = [];
  constructor(readonly table: SelectionTable) {}

  /** A new row, every field -1 (none) and FLAGS 0; returns its offset. */
  add(): number {
    if ((this.count + 1) * WIDTH > this.words.length) {
      const bigger = new Int32Array(this.words.length * 2);
      bigger.set(this.words);
      this.words = bigger;
    }
    const at = this.count++ * WIDTH;
    this.words.fill(-1, at, at + WIDTH);
    this.words[at + FLAGS] = 0;
    return at;
  }

  /** Whether selection `id` matches the entity: a bit of the pod's row once its column is known. */
  selected(id: number, e: Entity): boolean {
    const t = this.table;
    if (e.kind === "pod" && id < t.done.length && t.done[id] === 1) return (t.bits[e.id * t.words + (id >>> 5)]! & (1 << (id & 31))) !== 0;
    return t.tests[id]!(e);
  }

  /** Whether the rule at offset `at` matches the flow. */
  matches(at: number, f: FlowContext): boolean {
    const w = this.words;
    const proto = w[at + PROTO]!;
    if (proto !== -1 && f.protocol !== proto) return false;
    const notProto = w[at + NOT_PROTO]!;
    if (notProto !== -1 && f.protocol === notProto) return false;
    const lo = w[at + PORT_LO]!;
    const name = w[at + PORT_NAME]!;
    const ports = w[at + PORTS]!;
    if (lo !== -1 || name !== -1 || ports !== -1) {
      const port = f.port;
      if (port === undefined) return false;
      if (
        !(lo !== -1 && port >= lo && port <= w[at + PORT_HI]!) &&
        !(name !== -1 && hasNamedPort(f.dst, this.names[name]!, f.protocol, port)) &&
        !(ports !== -1 && this.portChecks[ports]!(port, f.protocol, f.dst))
      )
        return false;
    }
    const nets = w[at + FLAGS]! & 3;
    if (nets !== 0) {
      if ((nets & 1) !== 0 && !inNet(f.src, w[at + SRC_NET]!, w[at + SRC_MASK]!)) return false;
      if ((nets & 2) !== 0 && !inNet(f.dst, w[at + DST_NET]!, w[at + DST_MASK]!)) return false;
    }
    const rest = w[at + REST]!;
    if (rest !== -1 && !this.rest[rest]!(f)) return false;
    let sel = w[at + DST_SEL]!;
    if (sel !== -1 && !this.selected(sel, f.dst)) return false;
    sel = w[at + SRC_SEL]!;
    if (sel !== -1 && !this.selected(sel, f.src)) return false;
    sel = w[at + DST_NOT_SEL]!;
    if (sel !== -1 && this.selected(sel, f.dst)) return false;
    sel = w[at + SRC_NOT_SEL]!;
    if (sel !== -1 && this.selected(sel, f.src)) return false;
    return true;
  }
}

function inNet(e: Entity, net: number, mask: number): boolean {
  const ip = e.ip;
  return ip !== undefined && ip.version === 4 && (ip.v4 & mask) === net;
}

function hasNamedPort(e: Entity, name: string, proto: number, port: number): boolean {
  if (e.kind !== "pod") return false;
  for (const np of e.ports) if (np.port === port && np.protocol === proto && np.name === name) return true;
  return false;
}
