import type { SideVerdict } from "./walk.ts";

/**
 * Side verdicts by what decides them: the judged pod and direction (and whether the enforced or
 * the pending policies), the peer entity, the protocol and the port. Nothing else a side reads
 * varies between flows with the same key, so a hit is exactly the verdict a walk would give.
 * Real flows repeat (the same client calls the same service again and again), so most verdicts
 * of a long-lived policy set come from here.
 *
 * Open addressing over an Int32Array (three key words and the slot's value index), growing by
 * doubling up to `maxEntries` and emptied when full: bounded memory, no per-entry objects.
 */
export class VerdictCache {
  private slots: Int32Array;
  private values: Array<SideVerdict | undefined>;
  private mask: number;
  private count = 0;

  constructor(private readonly maxEntries: number) {
    const initial = Math.min(1 << 12, ceilPowerOfTwo(maxEntries * 2));
    this.slots = new Int32Array(initial * 4).fill(-1);
    this.values = new Array<SideVerdict | undefined>(initial);
    this.mask = initial - 1;
  }

  get(a: number, b: number, c: number): SideVerdict | undefined {
    const slots = this.slots;
    let i = hash(a, b, c) & this.mask;
    for (;;) {
      const at = i * 4;
      const k = slots[at]!;
      if (k === -1) return undefined;
      if (k === a && slots[at + 1] === b && slots[at + 2] === c) return this.values[i];
      i = (i + 1) & this.mask;
    }
  }

  set(a: number, b: number, c: number, v: SideVerdict): void {
    if (this.count * 2 >= this.mask + 1) {
      if (this.mask + 1 < ceilPowerOfTwo(this.maxEntries * 2)) this.grow();
      else this.clear();
    }
    this.insert(a, b, c, v);
  }

  clear(): void {
    this.slots.fill(-1);
    this.values.fill(undefined);
    this.count = 0;
  }

  private insert(a: number, b: number, c: number, v: SideVerdict): void {
    const slots = this.slots;
    let i = hash(a, b, c) & this.mask;
    while (slots[i * 4] !== -1) {
      const at = i * 4;
      if (slots[at] === a && slots[at + 1] === b && slots[at + 2] === c) {
        this.values[i] = v;
        return;
      }
      i = (i + 1) & this.mask;
    }
    slots[i * 4] = a;
    slots[i * 4 + 1] = b;
    slots[i * 4 + 2] = c;
    this.values[i] = v;
    this.count++;
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldValues = this.values;
    const size = (this.mask + 1) * 2;
    this.slots = new Int32Array(size * 4).fill(-1);
    this.values = new Array<SideVerdict | undefined>(size);
    this.mask = size - 1;
    this.count = 0;
    for (let i = 0; i < oldValues.length; i++) {
      const k = oldSlots[i * 4]!;
      if (k !== -1) this.insert(k, oldSlots[i * 4 + 1]!, oldSlots[i * 4 + 2]!, oldValues[i]!);
    }
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
