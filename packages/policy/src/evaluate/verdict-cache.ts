/**
 * Side verdict ids (see Traces) by what decides them: the judged pod and direction (and whether
 * the enforced or the pending policies), the peer entity, the protocol and the port. Nothing else
 * a side reads varies between flows with the same key, so a hit is exactly the verdict a walk
 * would give. Real flows repeat (the same client calls the same service again and again), so
 * most verdicts of a long-lived policy set come from here.
 *
 * Open addressing over one Int32Array (three key words and the value per slot), growing fourfold
 * up to `maxEntries` (rehashing is random writes into a large table, so fewer, bigger steps) and
 * emptied when full: bounded memory, nothing for the garbage collector to visit.
 */
export class VerdictCache {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(private readonly maxEntries: number) {
    const initial = Math.min(1 << 12, ceilPowerOfTwo(maxEntries * 2));
    this.slots = new Int32Array(initial * 4).fill(-1);
    this.mask = initial - 1;
  }

  /** The value stored under the key, or -1. */
  get(a: number, b: number, c: number): number {
    const slots = this.slots;
    let i = hash(a, b, c) & this.mask;
    for (;;) {
      const at = i * 4;
      const k = slots[at]!;
      if (k === -1) return -1;
      if (k === a && slots[at + 1] === b && slots[at + 2] === c) return slots[at + 3]!;
      i = (i + 1) & this.mask;
    }
  }

  /** Stores a value (not -1) under a key whose first word is not -1. */
  set(a: number, b: number, c: number, value: number): void {
    if (this.count * 2 >= this.mask + 1) {
      if (this.mask + 1 < ceilPowerOfTwo(this.maxEntries * 2)) this.grow();
      else this.clear();
    }
    this.insert(a, b, c, value);
  }

  clear(): void {
    this.slots.fill(-1);
    this.count = 0;
  }

  private insert(a: number, b: number, c: number, value: number): void {
    const slots = this.slots;
    let i = hash(a, b, c) & this.mask;
    for (;;) {
      const at = i * 4;
      const k = slots[at]!;
      if (k === -1) {
        slots[at] = a;
        slots[at + 1] = b;
        slots[at + 2] = c;
        slots[at + 3] = value;
        this.count++;
        return;
      }
      if (k === a && slots[at + 1] === b && slots[at + 2] === c) {
        slots[at + 3] = value;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const size = Math.min((this.mask + 1) * 4, ceilPowerOfTwo(this.maxEntries * 2));
    this.slots = new Int32Array(size * 4).fill(-1);
    this.mask = size - 1;
    this.count = 0;
    for (let at = 0; at < old.length; at += 4) if (old[at] !== -1) this.insert(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!);
  }
}

function hash(a: number, b: number, c: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

function ceilPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
