import { pino, type Logger } from "pino";

export type { Logger };

/** One logger shape for every process; secrets that might ride along in objects are redacted. */
export function createLogger(name: string, level: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ["*.token", "*.password", "*.secret", "*.authorization", "req.headers.authorization", "*.credential", "*.databaseUrl", "*.redisUrl", "*.smtpUrl"],
      censor: "[redacted]",
    },
  });
}
