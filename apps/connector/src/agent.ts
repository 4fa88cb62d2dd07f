import { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
import { PROTOCOL_VERSION, type ApiMessage, type Hello, type Welcome } from "@palisade/protocol";
import type { Logger } from "pino";
import type { ConnectorConfig } from "@palisade/config";
import { FlowFollower } from "./flows/follower.ts";
import { FlowShipper } from "./flows/shipper.ts";
import { Spool } from "./flows/spool.ts";
import { calicoVersion, inventory, kubeSystemUid } from "./kube/cluster-facts.ts";
import { SecretStore } from "./kube/secret-store.ts";
import { connectUrl, Link } from "./link/connection.ts";
import { proxyAgent } from "./link/proxy.ts";
import { PolicyApplier } from "./policy/applier.ts";
import { PolicyWatcher } from "./policy/watcher.ts";

export const CONNECTOR_VERSION = "0.1.0";

/**
 * The connector: registers (token -> credential, saved in its Secret), keeps one connection to Palisade,
 * applies the desired policy state and keeps it (drift), mirrors the cluster's own policy and inventory,
 * and ships flow logs through an on-disk spool. When Palisade is unreachable it keeps enforcing what it
 * last applied (the objects stay in the cluster) and keeps spooling flows.
 */
export async function runConnector(config: Readonly<ConnectorConfig>, log: Logger, kc: KubeConfig = defaultKubeConfig()): Promise<{ stop(): void; done: Promise<void> }> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const secrets = new SecretStore(core, config.namespace, config.secretName);
  const secret = await secrets.read();
  let auth: Hello["auth"] = secret.credential ? { credential: secret.credential } : secret.registrationToken ? { registrationToken: secret.registrationToken } : (() => {
    throw new Error(`secret ${config.namespace}/${config.secretName} holds neither a cluster credential nor a registration token`);
  })();
  const uid = await kubeSystemUid(core);
  let calico = await calicoVersion(apps);
  log.info({ clusterUid: uid, calico, api: secret.apiUrl, registered: "credential" in auth }, "Palisade connector starting");

  const spool = new Spool(config.spoolDir, config.spoolMaxBatches);
  const applier = new PolicyApplier(KubernetesObjectApi.makeApiClient(kc), log);
  const url = connectUrl(secret.apiUrl);
  let shipper: FlowShipper;
  let watcher: PolicyWatcher;
  const sendInventory = async () => {
    if (!link.connected) return;
    try {
      const inv = await inventory(core, apps);
      calico = inv.calicoVersion;
      link.send({ type: "inventory", ...inv });
    } catch (e) {
      log.warn({ err: (e as Error).message }, "reading the inventory failed");
    }
  };
  const link = new Link(
    url,
    {
      hello: () => ({ type: "hello", protocol: PROTOCOL_VERSION, connectorVersion: CONNECTOR_VERSION, clusterUid: uid, auth, calicoVersion: calico, appliedRevision: applier.revision }),
      onWelcome: async (w: Welcome) => {
        if (w.credential) {
          await secrets.saveCredential(w.credential);
          auth = { credential: w.credential }; // the registration token is forgotten
          log.info({ cluster: w.clusterName }, "registered with Palisade; credential saved");
        }
        log.info({ cluster: w.clusterName, clusterId: w.clusterId }, "connected to Palisade");
        void watcher.resync();
        shipper.pump();
        void sendInventory();
      },
      onMessage: async (m: ApiMessage): Promise<void> => {
        switch (m.type) {
          case "flowAck":
            return shipper.acked(m.id);
          case "error":
            log.warn({ code: m.code, ref: m.ref }, `Palisade: ${m.message}`);
            if (m.ref && m.code === "BAD_MESSAGE") shipper.refused(m.ref, m.message);
            return;
          case "credentialRotated":
            await secrets.saveCredential(m.credential);
            auth = { credential: m.credential };
            log.info("cluster credential rotated and saved");
            return;
          case "policyChanges": {
            if (!m.full && m.fromRevision !== applier.revision) {
              // a change that does not start where this connector is: ask for the whole state (hello with 0)
              const at = applier.revision;
              applier.revision = 0;
              return link.redial(`policy change from revision ${m.fromRevision}, but revision ${at} is applied`);
            }
            const outcomes = await applier.apply(m);
            link.send({ type: "policyAck", revision: m.toRevision, outcomes });
            return;
          }
          case "heartbeat":
            return;
        }
      },
      onDown: () => shipper.reset(),
    },
    { ...config.backoff, agent: proxyAgent(config.httpsProxy, url), log },
  );
  shipper = new FlowShipper(spool, (m) => link.send(m), config.sendWindow, log);
  watcher = new PolicyWatcher(kc, applier, (m) => link.send(m), log);
  const follower = new FlowFollower(config.flowLogPath, spool, { batchRecords: config.batchRecords, batchMs: config.batchMs, log, onBatch: () => shipper.pump() });
  follower.start();
  watcher.start();
  const inventoryTimer = setInterval(() => void sendInventory(), config.inventorySeconds * 1000);
  const done = link.run();
  return {
    done,
    stop: () => {
      clearInterval(inventoryTimer);
      follower.stop();
      watcher.stop();
      link.stop();
    },
  };
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault(); // KUBECONFIG when set, else the pod's service account
  return kc;
}
