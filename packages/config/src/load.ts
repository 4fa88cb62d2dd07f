import path from "node:path";
import { configSchema, variables, type Config } from "./schema.ts";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Palisade cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads every variable at once and reports every problem together; the result is frozen. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const picked = Object.fromEntries(Object.keys(variables).map((k) => [k, env[k]]));
  const result = configSchema.safeParse(picked);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const name = String(i.path[0]);
        const secret = (variables as Record<string, { secret?: boolean }>)[name]?.secret;
        const shown = secret ? "(value hidden)" : JSON.stringify(env[name]);
        return `${name}=${shown}: ${i.message}`;
      }),
    );
  }
  const v = result.data;
  const dataDir = path.resolve(v.DATA_DIR);
  return deepFreeze({
    nodeEnv: v.NODE_ENV,
    logLevel: v.LOG_LEVEL,
    host: v.HOST,
    port: v.PORT,
    publicUrl: v.PUBLIC_URL?.replace(/\/+$/, ""),
    dataDir,
    database: { url: v.DATABASE_URL, appRole: v.DATABASE_APP_ROLE, appPassword: v.DATABASE_APP_PASSWORD, poolSize: v.DATABASE_POOL_SIZE },
    redisUrl: v.REDIS_URL,
    redisKeyPrefix: v.REDIS_KEY_PREFIX,
    mail: { smtpUrl: v.SMTP_URL, from: v.MAIL_FROM, dir: path.resolve(v.MAIL_DIR ?? path.join(dataDir, "mail")) },
    operatorToken: v.OPERATOR_TOKEN,
    trialDays: v.TRIAL_DAYS,
    registrationTokenTtlHours: v.REGISTRATION_TOKEN_TTL_HOURS,
    extraBlockedEmailDomains: (v.EXTRA_BLOCKED_EMAIL_DOMAINS ?? "")
      .split(",")
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean),
    signupLimits: { perAddressPerHour: v.SIGNUP_LIMIT_PER_ADDRESS, perDomainPerHour: v.SIGNUP_LIMIT_PER_DOMAIN },
    trustProxy: v.TRUST_PROXY,
    limits: { maxBodyBytes: v.MAX_BODY_BYTES, maxQueryDepth: v.MAX_QUERY_DEPTH, maxQueryCost: v.MAX_QUERY_COST },
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    worker: { concurrency: v.WORKER_CONCURRENCY, lockMs: v.JOB_LOCK_MS, trialExpiryCron: v.TRIAL_EXPIRY_CRON },
    flows: {
      logRetentionDays: v.FLOW_LOG_RETENTION_DAYS,
      rollupRetentionDays: v.FLOW_ROLLUP_RETENTION_DAYS,
      retentionCron: v.FLOW_RETENTION_CRON,
      exportDir: path.resolve(v.FLOW_EXPORT_DIR ?? path.join(dataDir, "exports")),
      liveMaxPerSecond: v.FLOW_LIVE_MAX_PER_SECOND,
    },
    faults: { provisionPauseMs: v.FAULT_PROVISION_PAUSE_MS },
  });
}

/** For a process's main.ts: the configuration, or every problem printed and exit code 2. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  try {
    return loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exit(2);
  }
}

/** The configuration table for the README: name, default, meaning. */
export function describeConfig(): string {
  const rows = Object.entries(variables).map(([name, v]) => {
    const d = (v as { default?: string }).default;
    return `| \`${name}\` | ${d === undefined ? "" : `\`${d}\``} | ${v.meaning} |`;
  });
  return ["| variable | default | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
