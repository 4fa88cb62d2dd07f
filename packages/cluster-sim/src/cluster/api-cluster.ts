import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { ObjectStore } from "../store/object-store.ts";
import type { KubeObject } from "../store/kube-object.ts";
import { Faults } from "../faults/faults.ts";
import { ADMIN_USER, TokenRegistry } from "../auth/users.ts";
import { ApiServer } from "../api/api-server.ts";
import { applyInternal, deleteInternal, type AdmissionHook, type SubresourceHandler } from "../api/resource-handlers.ts";
import { findByKind } from "../api/resource-types.ts";
import { ApiError } from "../api/status.ts";
import { kubeconfigYaml } from "./kubeconfig.ts";
import { serverTls } from "../api/tls.ts";
import { coreDefaults } from "./defaults.ts";
import { bootstrapObjects, loadInto } from "./bootstrap.ts";
import { runNamespaceAndGcControllers } from "./namespace-controller.ts";
import { seededRandom, seededUid } from "./seed.ts";
import { objectsOf } from "./load-yaml.ts";

export interface ClusterOptions {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  host?: string;
  /** Where to write the admin kubeconfig; a temp file when absent. */
  kubeconfigPath?: string;
  /** Names the cluster; the kube-system uid derives from it and the scenario. */
  clusterId?: string;
  scenarioName?: string;
  adminToken?: string;
  /** Interval of watch bookmarks for clients that allow them. */
  bookmarkIntervalMs?: number;
  /** Events a watch can resume from before it gets 410 Gone. */
  historyLimit?: number;
}

export const SIM_MANAGER = "palisade-cluster-sim";

/** The API half of the simulated cluster: storage, API server, auth, controllers that every cluster has. */
export class ApiCluster {
  readonly store: ObjectStore;
  readonly faults = new Faults();
  readonly tokens = new TokenRegistry();
  readonly admission: AdmissionHook[] = [];
  readonly subresources = new Map<string, SubresourceHandler>();
  readonly adminToken: string;
  readonly kubeSystemUid: string;
  readonly random: () => number;
  private server?: ApiServer;
  private tmp?: string;
  url = "";
  kubeconfigPath = "";
  private readonly stoppers: (() => void | Promise<void>)[] = [];

  constructor(readonly opts: ClusterOptions = {}) {
    const seed = `${opts.clusterId ?? "palisade-sim"}/${opts.scenarioName ?? "empty"}`;
    this.kubeSystemUid = seededUid(`${seed}/namespace/kube-system`);
    this.random = seededRandom(seed);
    this.store = new ObjectStore({
      historyLimit: opts.historyLimit,
      uid: (t, o) => (t.kind === "Namespace" && o.metadata.name === "kube-system" ? this.kubeSystemUid : undefined),
    });
    this.adminToken = opts.adminToken ?? randomBytes(24).toString("hex");
    this.tokens.add(this.adminToken, ADMIN_USER);
    let ipCounter = 10;
    this.admission.push(coreDefaults(() => `10.96.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`));
    this.stoppers.push(runNamespaceAndGcControllers(this.store, serverTls().cert));
    loadInto(this.store, bootstrapObjects());
  }

  async start(): Promise<void> {
    this.server = new ApiServer({
      store: this.store,
      faults: this.faults,
      tokens: this.tokens,
      admission: this.admission,
      subresources: this.subresources,
      bookmarkIntervalMs: this.opts.bookmarkIntervalMs,
    });
    this.url = await this.server.listen(this.opts.port ?? 0, this.opts.host ?? "127.0.0.1");
    if (this.opts.kubeconfigPath) this.kubeconfigPath = this.opts.kubeconfigPath;
    else {
      this.tmp = mkdtempSync(join(tmpdir(), "palisade-sim-"));
      this.kubeconfigPath = join(this.tmp, "kubeconfig");
    }
    writeFileSync(this.kubeconfigPath, kubeconfigYaml(this.url, this.adminToken, serverTls().cert), { mode: 0o600 });
  }

  get port(): number {
    return this.server?.port ?? 0;
  }

  /** Applies every object of a YAML text (server-side apply, forced, as the simulator's own manager). */
  load(yaml: string, opts: { namespace?: string } = {}): KubeObject[] {
    return objectsOf(yaml).map((o) => {
      if (opts.namespace && !o.metadata.namespace) o.metadata.namespace = opts.namespace;
      return this.apply(o);
    });
  }

  apply(obj: KubeObject, manager = SIM_MANAGER): KubeObject {
    const t = findByKind(obj.apiVersion, obj.kind);
    if (!t) throw new ApiError(404, "NotFound", `no matches for kind "${obj.kind}" in version "${obj.apiVersion}"`);
    return applyInternal(this.server?.env ?? this.env(), t, obj, manager);
  }

  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject {
    const t = findByKind(apiVersion, kind);
    if (!t) throw new ApiError(404, "NotFound", `no matches for kind "${kind}" in version "${apiVersion}"`);
    return deleteInternal(this.env(), t, namespace, name);
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const t = findByKind(apiVersion, kind);
    return t ? this.store.peek(t, t.namespaced ? namespace : undefined, name) : undefined;
  }

  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const t = findByKind(apiVersion, kind);
    return t ? this.store.list(t, namespace) : [];
  }

  onStop(fn: () => void | Promise<void>): void {
    this.stoppers.push(fn);
  }

  async stop(): Promise<void> {
    for (const s of this.stoppers.reverse()) await s();
    await this.server?.close();
    if (this.tmp) rmSync(this.tmp, { recursive: true, force: true });
  }

  protected env() {
    return { store: this.store, faults: this.faults, admission: this.admission, subresources: this.subresources, bookmarkIntervalMs: 5000 };
  }
}
