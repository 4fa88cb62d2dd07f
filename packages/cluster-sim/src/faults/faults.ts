/** Misbehaviour on purpose, for tests of clients that must survive a flaky API server. */
export class Faults {
  private unavailableUntil = 0;
  private delay = 0;
  private readonly watchCutters = new Set<() => void>();

  /** Every request answers 503 ServiceUnavailable for the next `ms` milliseconds; open watches are cut. */
  apiUnavailable(ms: number): void {
    this.unavailableUntil = Date.now() + ms;
    this.cutWatches();
  }

  /** Ends every open watch stream now, as an API server restart or a load balancer would. */
  cutWatches(): void {
    for (const cut of [...this.watchCutters]) cut();
  }

  /** Delays every response by `ms` milliseconds until called again with 0. */
  slowResponses(ms: number): void {
    this.delay = Math.max(0, ms);
  }

  /** Clears every fault. */
  reset(): void {
    this.unavailableUntil = 0;
    this.delay = 0;
  }

  get unavailable(): boolean {
    return Date.now() < this.unavailableUntil;
  }

  get responseDelayMs(): number {
    return this.delay;
  }

  trackWatch(cut: () => void): () => void {
    this.watchCutters.add(cut);
    return () => this.watchCutters.delete(cut);
  }
}
