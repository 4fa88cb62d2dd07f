import type { Principal } from "./principal.ts";

/**
 * Principals by token hash for a few seconds, so a busy client does not cost an authentication query per
 * request. Bounded; entries expire after `ttlMs`; `clear()` is called when any token, membership or tenant
 * status changes (through the events channel), so a revocation takes effect at once on every API process.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly ttlMs = 5000,
    private readonly max = 10_000,
  ) {}

  get(key: string, now: number): Principal | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.principal;
  }

  set(key: string, principal: Principal, now: number): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { principal, until: now + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
