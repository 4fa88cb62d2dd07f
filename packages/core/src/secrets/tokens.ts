import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Secrets Palisade hands out. Each is `<kind>_<40 base62 chars>` (about 238 bits), so it is recognisable in
 * logs and secret scanners, and only its SHA-256 is stored. A slow hash buys nothing at this entropy.
 */
export type SecretKind = "pat" | "opr" | "reg" | "ccr";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function generateSecret(kind: SecretKind, random: (n: number) => Buffer = randomBytes): string {
  const out: string[] = [];
  while (out.length < 40) {
    for (const byte of random(48)) {
      if (byte < 248 && out.length < 40) out.push(ALPHABET[byte % 62]!); // 248 = 4 * 62: no modulo bias
    }
  }
  return `${kind}_${out.join("")}`;
}

export function hashSecret(secret: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash("sha256").update(secret, "utf8").digest());
}

/** What lists show of a secret: its kind and first characters. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 12);
}

export function isSecretOfKind(value: string, kind: SecretKind): boolean {
  return new RegExp(`^${kind}_[0-9A-Za-z]{40}$`).test(value);
}

/** Constant-time comparison of two secrets (or their hashes). */
export function secretsEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === "string" ? hashSecret(a) : a;
  const y = typeof b === "string" ? hashSecret(b) : b;
  return x.length === y.length && timingSafeEqual(x, y);
}
