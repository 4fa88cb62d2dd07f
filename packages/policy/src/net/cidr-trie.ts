import type { Address, Cidr } from "./ip.ts";

interface Node<T> {
  children: [Node<T> | undefined, Node<T> | undefined];
  values: T[];
}

/**
 * A binary trie of CIDRs: every value whose CIDR contains an address, in at most 32 (IPv4) or
 * 128 (IPv6) steps, however many network sets there are.
 */
export class CidrTrie<T> {
  private readonly roots: Record<4 | 6, Node<T>> = { 4: node(), 6: node() };

  insert(cidr: Cidr, value: T): void {
    let n = this.roots[cidr.version];
    const bits = cidr.version === 4 ? 32 : 128;
    for (let i = 0; i < cidr.prefix; i++) {
      const b = bitAt(cidr.base, bits, i);
      n = n.children[b] ??= node();
    }
    if (!n.values.includes(value)) n.values.push(value);
  }

  /** Every value whose CIDR contains the address, shortest prefix first, without repeats. */
  containing(a: Address): T[] {
    const out: T[] = [];
    const bits = a.version === 4 ? 32 : 128;
    let n: Node<T> | undefined = this.roots[a.version];
    for (let i = 0; n !== undefined; i++) {
      for (const v of n.values) if (!out.includes(v)) out.push(v);
      if (i === bits) break;
      n = n.children[bitAt(a.value, bits, i)];
    }
    return out;
  }
}

function node<T>(): Node<T> {
  return { children: [undefined, undefined], values: [] };
}

function bitAt(value: bigint, bits: number, i: number): 0 | 1 {
  return ((value >> BigInt(bits - 1 - i)) & 1n) === 1n ? 1 : 0;
}
