/** Pod IPs from 10.244.0.0/16, never one a pod already holds (scenario pods bring their own). */
export class PodIpAllocator {
  private next = 10 * 256 + 1; // 10.244.10.1 onwards; lower /24s are left to the scenarios
  private readonly used = new Set<string>();

  reserve(ip: string): void {
    this.used.add(ip);
  }

  release(ip: string): void {
    this.used.delete(ip);
  }

  allocate(): string {
    for (let i = 0; i < 65_000; i++) {
      const n = this.next;
      this.next = this.next >= 65_534 ? 10 * 256 + 1 : this.next + 1;
      if ((n & 255) === 0 || (n & 255) === 255) continue;
      const ip = `10.244.${n >> 8}.${n & 255}`;
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
    throw new Error("pod IP range 10.244.0.0/16 exhausted");
  }
}
