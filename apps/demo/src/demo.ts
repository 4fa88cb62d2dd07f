import path from "node:path";
import type { SimCluster } from "@palisade/cluster-sim";
import type { Config } from "@palisade/config";
import { Palisade, type PalisadeApp } from "@palisade/launcher";
import { runInstallCommand, startStorefront } from "./cluster.ts";
import { graphql } from "./graphql.ts";
import { applyStageEPolicies, deployRogue } from "./lab.ts";
import { ensureDemoPromoCode, operatorToken } from "./operator.ts";
import { exampleText, waitForFlows, type FlowsReady } from "./queries.ts";
import { demoDir } from "./state.ts";
import { demoTenant, type DemoTenant } from "./tenant.ts";
import { until } from "./wait.ts";

export interface DemoOptions {
  config: Readonly<Config>;
  /** progress lines for the person running the demo */
  say?: (m: string) => void;
  /** the API's and the worker's environment (default process.env without SMTP_URL) */
  env?: NodeJS.ProcessEnv;
  /** where the API's and the worker's output goes (default DATA_DIR/demo/logs) */
  logDir?: string;
  /** traffic rounds per second (default 1) and the flow-log flush interval (default 10 s) */
  rate?: number;
  flushIntervalMs?: number;
  /** the simulated cluster's id, from which its kube-system uid derives (default palisade-demo-storefront) */
  simClusterId?: string;
  /** how long to wait for queryable flows before printing anyway (default 60 s) */
  flowsTimeoutMs?: number;
  onUnexpectedExit?: (app: PalisadeApp, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface DemoRun {
  url: string;
  tenant: DemoTenant;
  sim: SimCluster;
  flows: FlowsReady;
  /** the URL, the token and the example queries, as printed */
  text: string;
}

/**
 * `npm run demo`: Palisade as `npm start` runs it, a demo tenant signed up with a promo code through the
 * API, the simulated storefront cluster connected by the real install script and connector, the lab
 * environment at stage E applied through Palisade, and traffic flowing. `stop()` ends all of it, at any moment.
 */
export class Demo {
  readonly palisade: Palisade;
  readonly dir: string;
  sim: SimCluster | null = null;
  private readonly abort = new AbortController();
  private readonly say: (m: string) => void;

  constructor(private readonly o: DemoOptions) {
    this.say = o.say ?? (() => {});
    this.dir = demoDir(o.config.dataDir);
    const env = o.env ?? withoutSmtp(process.env);
    this.palisade = new Palisade({
      config: o.config,
      env,
      logDir: o.logDir ?? path.join(this.dir, "logs"),
      log: { info: (a: unknown, b?: unknown) => this.say(typeof a === "string" ? a : typeof b === "string" ? b : JSON.stringify(a)) },
      onUnexpectedExit: o.onUnexpectedExit,
    });
  }

  async start(): Promise<DemoRun> {
    const { config } = this.o;
    const signal = this.abort.signal;
    const url = this.palisade.url;
    this.say(`starting Palisade (the API's and the worker's logs go to ${this.o.logDir ?? path.join(this.dir, "logs")})`);
    const up = await this.palisade.start();
    signal.throwIfAborted();
    if (!up) throw new Error(`the API did not answer at ${url}/healthz within 2 minutes; see its log`);

    const operator = await operatorToken(this.palisade.postgres!.url, config);
    const promoCode = await ensureDemoPromoCode(url, operator);
    const tenant = await demoTenant({ url, operator, promoCode, mailDir: config.mail.dir, dataDir: config.dataDir, say: this.say, signal });
    signal.throwIfAborted();

    this.say("starting the simulated storefront cluster");
    this.sim = await startStorefront({
      dir: this.dir,
      clusterId: this.o.simClusterId ?? "palisade-demo-storefront",
      rate: this.o.rate ?? 1,
      flushIntervalMs: this.o.flushIntervalMs ?? 10_000,
    });
    if (signal.aborted) await this.stopSim();
    signal.throwIfAborted();
    const sim = this.sim!;
    this.say(`kubeconfig of the simulated cluster: ${sim.kubeconfigPath}`);
    this.say(`connecting it: ${tenant.installCommand}`);
    await runInstallCommand(tenant.installCommand, sim.kubeconfigPath, (l) => this.say(`  | ${l}`), signal);
    await until(
      "the cluster to be CONNECTED",
      async () => (await graphql<{ cluster: { status: string } }>(url, `query ($id: ID!) { cluster(id: $id) { status } }`, { id: tenant.clusterId }, tenant.accessToken)).data?.cluster.status === "CONNECTED",
      60_000,
      signal,
    );

    this.say("applying the lab environment, lab 1's twilio policy and lab 3's zones through Palisade (stage E)");
    const since = new Date();
    await applyStageEPolicies(url, tenant.accessToken, tenant.clusterId, signal);
    this.say("deploying lab 2's rogue pod in the cluster");
    deployRogue(sim);

    this.say("waiting for flows to be queryable");
    const flows = await waitForFlows({ url, token: tenant.accessToken, clusterId: tenant.clusterId, since, timeoutMs: this.o.flowsTimeoutMs ?? 60_000, signal });
    if (flows.via === "none") this.say("no flow records could be queried within a minute; the queries below may answer empty at first");
    if (flows.via === "flowRecordCount") this.say(`flow records are stored (${flows.records} so far), but this API does not answer the flows queries (issue 7) yet`);
    return { url, tenant, sim, flows, text: exampleText({ url, token: tenant.accessToken, clusterId: tenant.clusterId, now: new Date() }) };
  }

  /** Stops the simulated cluster (and its connector process), the API, the worker and the services started. */
  async stop(): Promise<void> {
    this.abort.abort(new Error("the demo was stopped"));
    await this.stopSim();
    await this.palisade.stop();
  }

  private async stopSim(): Promise<void> {
    const sim = this.sim;
    this.sim = null;
    await sim?.stop();
  }
}

function withoutSmtp(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // the demo reads the credentials email from MAIL_DIR, so its mail stays on this machine
  const { SMTP_URL: _smtp, ...rest } = env;
  return rest;
}
