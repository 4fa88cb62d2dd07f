import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConnectorConfig } from "./index.ts";

describe("the connector's configuration", () => {
  it("has a default for everything a manifest may leave out", () => {
    const c = loadConnectorConfig({ POD_NAMESPACE: "palisade-system" });
    expect(c).toEqual({
      secretName: "palisade-connector",
      namespace: "palisade-system",
      flowLogPath: "/var/log/calico/flowlogs/flows.log",
      spoolDir: "/var/lib/palisade-connector/spool",
      spoolMaxBatches: 2000,
      batchRecords: 2000,
      batchMs: 1000,
      sendWindow: 8,
      backoff: { baseMs: 500, capMs: 30_000 },
      inventorySeconds: 30,
      httpsProxy: null,
      logLevel: "info",
    });
    expect(Object.isFrozen(c) && Object.isFrozen(c.backoff)).toBe(true);
  });

  it("roots paths under SIM_MOUNT_ROOT and reads the namespace from the service account there", () => {
    const root = mkdtempSync(path.join(tmpdir(), "connector-config-"));
    mkdirSync(path.join(root, "var/run/secrets/kubernetes.io/serviceaccount"), { recursive: true });
    writeFileSync(path.join(root, "var/run/secrets/kubernetes.io/serviceaccount/namespace"), "connectors\n");
    const c = loadConnectorConfig({ SIM_MOUNT_ROOT: root, https_proxy: "http://proxy:3128" });
    expect(c.namespace).toBe("connectors");
    expect(c.spoolDir).toBe(path.join(root, "var/lib/palisade-connector/spool"));
    expect(c.flowLogPath).toBe(path.join(root, "var/log/calico/flowlogs/flows.log"));
    expect(c.httpsProxy).toBe("http://proxy:3128");
  });

  it("names every bad setting at once", () => {
    const load = () => loadConnectorConfig({ POD_NAMESPACE: "x", PALISADE_BATCH_RECORDS: "20000", PALISADE_SEND_WINDOW: "none", LOG_LEVEL: "loud" });
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.split("=")[0])).toEqual(["PALISADE_BATCH_RECORDS", "PALISADE_SEND_WINDOW", "LOG_LEVEL"]);
    }
  });
});
