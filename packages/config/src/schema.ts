import { z } from "zod";

/**
 * Every variable Palisade reads, with its default and its meaning. The README's configuration table is
 * printed from this list (`npm run config:doc`), so the two cannot drift apart.
 */
interface Variable {
  schema: z.ZodType;
  default?: string;
  secret?: boolean;
  meaning: string;
}

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`);

export const variables = {
  NODE_ENV: { schema: z.enum(["development", "production", "test"]), default: "development", meaning: "development, production or test" },
  LOG_LEVEL: { schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]), default: "info", meaning: "pino log level" },
  HOST: { schema: z.string().min(1), default: "127.0.0.1", meaning: "address the API listens on" },
  PORT: { schema: int(0, 65535), default: "4000", meaning: "port the API listens on (0 picks a free one)" },
  PUBLIC_URL: { schema: url(["http:", "https:"]).optional(), meaning: "URL users and connectors reach the API at; defaults to http://HOST:PORT" },
  DATA_DIR: { schema: z.string().min(1), default: ".palisade", meaning: "folder for the embedded Postgres (DATA_DIR/postgres), the local Redis (DATA_DIR/redis) and mail files (DATA_DIR/mail)" },
  DATABASE_URL: { schema: url(["postgres:", "postgresql:"]).optional(), secret: true, meaning: "Postgres URL of the database owner (runs migrations); unset: postgres://postgres@127.0.0.1:5432/palisade, or an embedded Postgres when nothing answers there" },
  DATABASE_APP_ROLE: { schema: z.string().regex(/^[a-z_][a-z0-9_]*$/), default: "palisade_app", meaning: "role the API and worker use for tenant data; neither superuser nor owner, so row-level security applies" },
  DATABASE_APP_PASSWORD: { schema: z.string().min(1), default: "palisade_app", secret: true, meaning: "password of DATABASE_APP_ROLE (set it in production)" },
  DATABASE_POOL_SIZE: { schema: int(1, 200), default: "10", meaning: "connections per pool per process" },
  REDIS_URL: { schema: url(["redis:", "rediss:"]).optional(), secret: true, meaning: "Redis URL; unset: redis://127.0.0.1:6379, or a redis-server started from PATH when nothing answers there" },
  REDIS_KEY_PREFIX: { schema: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/), default: "palisade", meaning: "prefix of every Redis key and channel, so several installations (or test runs) can share one Redis" },
  SMTP_URL: { schema: url(["smtp:", "smtps:"]).optional(), secret: true, meaning: "SMTP server for outgoing mail; unset: mail is written as .eml files to MAIL_DIR" },
  MAIL_FROM: { schema: z.string().min(3), default: "Palisade <no-reply@palisade.local>", meaning: "sender of outgoing mail" },
  MAIL_DIR: { schema: z.string().optional(), meaning: "where mail goes without SMTP_URL; default DATA_DIR/mail" },
  OPERATOR_TOKEN: { schema: z.string().min(24).optional(), secret: true, meaning: "an operator access token accepted in addition to those made by `npm run operator:token`" },
  TRIAL_DAYS: { schema: int(1, 365), default: "14", meaning: "length of a trial" },
  REGISTRATION_TOKEN_TTL_HOURS: { schema: int(1, 24 * 90), default: "24", meaning: "lifetime of a cluster registration token" },
  EXTRA_BLOCKED_EMAIL_DOMAINS: { schema: z.string().optional(), meaning: "comma-separated domains refused at signup, added to the built-in free-mail and disposable lists" },
  SIGNUP_LIMIT_PER_ADDRESS: { schema: int(1, 100_000), default: "10", meaning: "trial requests per client address per hour" },
  SIGNUP_LIMIT_PER_DOMAIN: { schema: int(1, 100_000), default: "20", meaning: "trial requests per email domain per hour" },
  TRUST_PROXY: { schema: bool, default: "false", meaning: "take the client address from X-Forwarded-For (only behind a proxy you run)" },
  MAX_BODY_BYTES: { schema: int(1024, 100 * 1024 * 1024), default: "1048576", meaning: "largest request body accepted" },
  MAX_QUERY_DEPTH: { schema: int(2, 100), default: "12", meaning: "deepest GraphQL selection accepted" },
  MAX_QUERY_COST: { schema: int(10, 1_000_000), default: "5000", meaning: "largest GraphQL query cost accepted (one per field, times the page size of lists)" },
  SHUTDOWN_GRACE_MS: { schema: int(0, 600_000), default: "10000", meaning: "how long SIGTERM waits for in-flight work" },
  WORKER_CONCURRENCY: { schema: int(1, 256), default: "8", meaning: "jobs a worker runs at once" },
  JOB_LOCK_MS: { schema: int(1000, 600_000), default: "30000", meaning: "how long a job stays locked to a worker before a silent worker's job is retried" },
  TRIAL_EXPIRY_CRON: { schema: z.string().min(9), default: "0 3 * * *", meaning: "when the daily trial-expiry job runs (cron, UTC)" },
  FLOW_LOG_RETENTION_DAYS: { schema: int(1, 3650), default: "30", meaning: "days of raw flow logs kept, for tenants that set none of their own" },
  FLOW_ROLLUP_RETENTION_DAYS: { schema: int(1, 3650), default: "90", meaning: "days of per-minute flow rollups (flow graph, policy board) kept, for tenants that set none" },
  FLOW_RETENTION_CRON: { schema: z.string().min(9), default: "17 * * * *", meaning: "when the flow retention job creates coming partitions and drops expired ones (cron, UTC)" },
  FLOW_EXPORT_DIR: { schema: z.string().optional(), meaning: "where flow exports are written; default DATA_DIR/exports" },
  FLOW_LIVE_MAX_PER_SECOND: { schema: int(1, 10_000), default: "200", meaning: "most flow records per second a `flows` subscription receives, whatever it asks for" },
  FAULT_PROVISION_PAUSE_MS: { schema: int(0, 600_000), default: "0", meaning: "testing only: pause inside the provisioning transaction, so a test can kill the worker mid-job" },
} satisfies Record<string, Variable>;

type Vars = typeof variables;
type Parsed = { [K in keyof Vars]: z.output<Vars[K]["schema"]> };

export const configSchema = z.object(
  Object.fromEntries(
    Object.entries(variables).map(([name, v]) => {
      const d = (v as Variable).default;
      return [name, d === undefined ? v.schema : z.preprocess((x) => (x === undefined || x === "" ? d : x), v.schema)];
    }),
  ) as unknown as { [K in keyof Vars]: z.ZodType<Parsed[K]> },
);

export interface Config {
  nodeEnv: Parsed["NODE_ENV"];
  logLevel: Parsed["LOG_LEVEL"];
  host: string;
  port: number;
  /** set explicitly or derived from the listening address once known */
  publicUrl: string | undefined;
  dataDir: string;
  database: { url: string | undefined; appRole: string; appPassword: string; poolSize: number };
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  mail: { smtpUrl: string | undefined; from: string; dir: string };
  operatorToken: string | undefined;
  trialDays: number;
  registrationTokenTtlHours: number;
  extraBlockedEmailDomains: readonly string[];
  signupLimits: { perAddressPerHour: number; perDomainPerHour: number };
  trustProxy: boolean;
  limits: { maxBodyBytes: number; maxQueryDepth: number; maxQueryCost: number };
  shutdownGraceMs: number;
  worker: { concurrency: number; lockMs: number; trialExpiryCron: string };
  flows: { logRetentionDays: number; rollupRetentionDays: number; retentionCron: string; exportDir: string; liveMaxPerSecond: number };
  faults: { provisionPauseMs: number };
}
