import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The simulator's fixed, self-signed serving certificate (SANs 127.0.0.1, ::1, localhost,
 * kubernetes.default.svc), also its own CA. Its private key is public in this repository: it
 * protects nothing and exists because kubectl sends bearer tokens only over HTTPS.
 */
export function serverTls(): { cert: string; key: string } {
  const dir = fileURLToPath(new URL("../../certs/", import.meta.url));
  return { cert: readFileSync(dir + "server.crt", "utf8"), key: readFileSync(dir + "server.key", "utf8") };
}
