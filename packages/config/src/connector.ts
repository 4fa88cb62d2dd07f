import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "./load.ts";

/** The connector's settings (apps/connector, in the cluster): its manifest sets them. */
export const connectorConfigSchema = z.object({
  PALISADE_SECRET_NAME: z.string().min(1).default("palisade-connector"),
  POD_NAMESPACE: z.string().optional(),
  PALISADE_FLOW_LOG: z.string().min(1).default("/var/log/calico/flowlogs/flows.log"),
  PALISADE_SPOOL_DIR: z.string().min(1).default("/var/lib/palisade-connector/spool"),
  /** batches kept unacknowledged on disk; past it the oldest go (and are reported) */
  PALISADE_SPOOL_MAX_BATCHES: z.coerce.number().int().positive().default(2000),
  PALISADE_BATCH_RECORDS: z.coerce.number().int().positive().max(10_000).default(2000),
  PALISADE_BATCH_MS: z.coerce.number().int().positive().default(1000),
  /** batches sent and not yet acknowledged, at most */
  PALISADE_SEND_WINDOW: z.coerce.number().int().positive().default(8),
  PALISADE_BACKOFF_BASE_MS: z.coerce.number().int().positive().default(500),
  PALISADE_BACKOFF_CAP_MS: z.coerce.number().int().positive().default(30_000),
  PALISADE_INVENTORY_SECONDS: z.coerce.number().positive().default(30),
  HTTPS_PROXY: z.string().optional(),
  https_proxy: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * Where the pod's filesystem is rooted. Empty in a real pod; the cluster simulator runs pods as local
   * processes and says where their volumes are (SIM_MOUNT_ROOT), as @kubernetes/client-node's
   * loadFromCluster(pathPrefix) does for the service-account files.
   */
  SIM_MOUNT_ROOT: z.string().default(""),
});

export interface ConnectorConfig {
  secretName: string;
  namespace: string;
  flowLogPath: string;
  spoolDir: string;
  spoolMaxBatches: number;
  batchRecords: number;
  batchMs: number;
  sendWindow: number;
  backoff: { baseMs: number; capMs: number };
  inventorySeconds: number;
  httpsProxy: string | null;
  logLevel: string;
}

/** Reads the connector's settings, reporting every problem together (ConfigError); the result is frozen. */
export function loadConnectorConfig(env: Record<string, string | undefined> = process.env): Readonly<ConnectorConfig> {
  const picked = Object.fromEntries(Object.keys(connectorConfigSchema.shape).map((k) => [k, env[k]]));
  const r = connectorConfigSchema.safeParse(picked);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${String(i.path[0])}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`));
  const e = r.data;
  const rooted = (p: string) => (e.SIM_MOUNT_ROOT && path.isAbsolute(p) ? path.join(e.SIM_MOUNT_ROOT, p) : p);
  let namespace = e.POD_NAMESPACE;
  if (!namespace) {
    try {
      namespace = readFileSync(rooted("/var/run/secrets/kubernetes.io/serviceaccount/namespace"), "utf8").trim();
    } catch {
      namespace = "palisade-system";
    }
  }
  return Object.freeze({
    secretName: e.PALISADE_SECRET_NAME,
    namespace,
    flowLogPath: rooted(e.PALISADE_FLOW_LOG),
    spoolDir: rooted(e.PALISADE_SPOOL_DIR),
    spoolMaxBatches: e.PALISADE_SPOOL_MAX_BATCHES,
    batchRecords: e.PALISADE_BATCH_RECORDS,
    batchMs: e.PALISADE_BATCH_MS,
    sendWindow: e.PALISADE_SEND_WINDOW,
    backoff: Object.freeze({ baseMs: e.PALISADE_BACKOFF_BASE_MS, capMs: e.PALISADE_BACKOFF_CAP_MS }),
    inventorySeconds: e.PALISADE_INVENTORY_SECONDS,
    httpsProxy: e.HTTPS_PROXY ?? e.https_proxy ?? null,
    logLevel: e.LOG_LEVEL,
  });
}
