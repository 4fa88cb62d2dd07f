import type { Entity, PodEntity } from "./entities.ts";

/**
 * Which pods each compiled rule selection matches, one bit per (pod, selection). A pod's bits sit
 * together in one row, so the few rules a flow meets read one or two cache lines of its peer
 * (a byte per answer kept 8.6 MB for the benchmark's 10,000 pods and missed the caches on every
 * flow). A selection's column is computed on first use, over the pods that can match it only.
 */
export class SelectionTable {
  words = 0;
  bits = new Uint32Array(0);
  /** per selection id: 1 once its column is computed */
  done = new Uint8Array(0);
  /** each selection's own test by id: for addresses, and for pods until the table is allocated */
  readonly tests: Array<(e: Entity) => boolean> = [];

  constructor(
    readonly pods: readonly PodEntity[],
    readonly podsByNamespace: ReadonlyMap<string, readonly PodEntity[]>,
    /** pods whose IP lies in a network set or host endpoint: any selection may reach them that way */
    readonly podsInSets: readonly PodEntity[],
  ) {}

  /** Sizes the table once every selection is compiled; a later selection is computed per call. */
  allocate(selections: number): void {
    this.words = (selections + 31) >>> 5;
    this.bits = new Uint32Array(this.pods.length * this.words);
    this.done = new Uint8Array(selections);
  }

  /**
   * Whether the selection matches the pod; `candidates` lists the pods that may match (undefined:
   * all), `compute` decides one pod.
   */
  selects(id: number, pod: PodEntity, candidates: readonly PodEntity[] | undefined, compute: (p: PodEntity) => boolean): boolean {
    if (id >= this.done.length) return compute(pod);
    if (this.done[id] === 0) this.fill(id, candidates, compute);
    return (this.bits[pod.id * this.words + (id >>> 5)]! & (1 << (id & 31))) !== 0;
  }

  private fill(id: number, candidates: readonly PodEntity[] | undefined, compute: (p: PodEntity) => boolean): void {
    const word = id >>> 5;
    const bit = 1 << (id & 31);
    const set = (p: PodEntity) => {
      if (compute(p)) this.bits[p.id * this.words + word]! |= bit;
    };
    if (candidates === undefined) for (const p of this.pods) set(p);
    else {
      for (const p of candidates) set(p);
      for (const p of this.podsInSets) set(p);
    }
    this.done[id] = 1;
  }
}
