const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/**
 * The pod-template-hash as Kubernetes computes it: FNV-32a over the template, written in decimal,
 * each digit mapped through SafeEncodeString's alphabet (no vowels, so no words).
 */
export function podTemplateHash(template: unknown): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(JSON.stringify(template ?? {}))) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join("");
}
