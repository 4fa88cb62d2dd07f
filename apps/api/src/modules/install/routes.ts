import {
  authenticateConnector,
  ConnectRefusal,
  clusterStatus,
  connectedClusterName,
  connectorControlChannel,
  forgetConnection,
  inspectInstallToken,
  publicUrlOf,
  recordConnectedName,
  revokeClusterCredentials,
  type ConnectorControl,
} from "@palisade/core";
import express from "express";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { ApiDeps } from "../../deps.ts";
import { clientAddress } from "../../server/client-address.ts";
import { installScript, refusalScript } from "./install-script.ts";
import { connectorManifest } from "./manifest.ts";

export interface InstallOptions {
  connectorVersion: string;
  /** requests per client address per minute, for every /install path together */
  requestsPerMinute?: number;
}

const SCRIPT = /^(reg_[0-9A-Za-z]{40})--management_install\.sh$/;

/**
 * `GET /install/<token>--management_install.sh` and what the script calls back: the manifest, the
 * cluster's status as Palisade sees it, and uninstall. Rate-limited per client address (tokens are not
 * guessable, but each probe costs a database lookup).
 */
export function installRouter(deps: ApiDeps, options: InstallOptions): express.Router {
  const router = express.Router();
  const limiter = new RateLimiterRedis({
    storeClient: deps.redis,
    keyPrefix: `${deps.config.redisKeyPrefix}:rl:install`,
    points: options.requestsPerMinute ?? 120,
    duration: 60,
  });
  const text = (res: express.Response, status: number, body: string, type = "text/plain") => {
    res.status(status).type(type).set("cache-control", "no-store").send(body);
  };

  router.use(async (req, res, next) => {
    try {
      await limiter.consume(clientAddress(req, deps.config.trustProxy) ?? "unknown");
      next();
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) return next(e);
      const retry = Math.ceil(e.msBeforeNext / 1000);
      res.set("retry-after", String(retry));
      const why = `too many install requests from this address; try again in ${retry} seconds`;
      text(res, 429, req.path.endsWith(".sh") ? refusalScript(why) : `${why}\n`, req.path.endsWith(".sh") ? "text/x-shellscript" : "text/plain");
    }
  });

  router.get("/:file", async (req, res) => {
    const m = SCRIPT.exec(req.params.file);
    const script = (status: number, body: string) => text(res, status, body, "text/x-shellscript");
    if (!m) return script(404, refusalScript("this is not a Palisade install link: it ends in --management_install.sh"));
    const token = m[1]!;
    const t = await inspectInstallToken(deps.db, token, deps.now());
    // a used token still answers the script: run again, it finds its cluster connected and says so
    if (t.state !== "VALID" && t.state !== "USED") return script(t.state === "UNKNOWN" ? 404 : 410, refusalScript(t.reason));
    const apiUrl = publicUrlOf(deps.config);
    script(
      200,
      installScript({
        apiUrl,
        portalUrl: apiUrl,
        token,
        clusterName: t.clusterName,
        manifest: connectorManifest({ apiUrl, registrationToken: token, connectorVersion: options.connectorVersion }),
      }),
    );
  });

  router.get("/:token/manifest.yaml", async (req, res) => {
    const t = await inspectInstallToken(deps.db, req.params.token, deps.now());
    if (t.state !== "VALID") return text(res, t.state === "UNKNOWN" ? 404 : 410, `${t.reason}\n`);
    const apiUrl = publicUrlOf(deps.config);
    text(res, 200, connectorManifest({ apiUrl, registrationToken: req.params.token, connectorVersion: options.connectorVersion }), "application/yaml");
  });

  router.get("/:token/status", async (req, res) => {
    const uid = typeof req.query.clusterUid === "string" ? req.query.clusterUid : "";
    const server = typeof req.query.server === "string" ? req.query.server : "";
    const t = await inspectInstallToken(deps.db, req.params.token, deps.now());
    const line = (s: string) => text(res, 200, `${s.replace(/\s+/g, " ")}\n`);
    if (t.state === "UNKNOWN") return line(`INVALID ${t.reason}`);
    if (t.kubeSystemUid && t.kubeSystemUid !== uid) {
      return line(`WRONG_CLUSTER this registration token was already used by another cluster (kube-system uid ${t.kubeSystemUid}, not ${uid})`);
    }
    if (t.state === "EXPIRED" || t.state === "REVOKED") return line(`INVALID ${t.reason}`);
    if (t.state === "VALID") return line("PENDING waiting for the connector to register");
    const name = connectedClusterName(server, t.clusterName);
    await recordConnectedName(deps.db, { tenantId: t.tenantId, clusterId: t.clusterId, name });
    const status = await deps.db.withTenant(t.tenantId, (tx) => clusterStatus(tx, t.clusterId));
    if (status.state === "CONNECTED") return line(`CONNECTED ${name}`);
    line(`REGISTERED as ${name}, connector ${status.state}${status.since ? ` since ${status.since}` : ""}`);
  });

  router.post("/uninstall", express.urlencoded({ extended: false, limit: "4kb" }), async (req, res) => {
    const credential = (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
    const uid = typeof req.body?.clusterUid === "string" ? req.body.clusterUid : "";
    try {
      const who = await authenticateConnector(deps.db, { credential, kubeSystemUid: uid, now: deps.now() });
      const revoked = await deps.db.withTenant(who.tenantId, async (tx) => {
        const n = await revokeClusterCredentials(tx, { clusterId: who.clusterId, now: deps.now() });
        await forgetConnection(tx, who.clusterId);
        return n;
      });
      const control: ConnectorControl = { action: "disconnect", reason: "the connector was uninstalled and its credential revoked" };
      await deps.events.publish(connectorControlChannel(who.clusterId), control);
      text(res, 200, `revoked ${revoked} credential(s) of cluster ${who.clusterName}\n`);
    } catch (e) {
      if (e instanceof ConnectRefusal) return text(res, 401, `${e.message}\n`);
      throw e;
    }
  });

  return router;
}
