import { scenarioFile, type SimCluster } from "@palisade/cluster-sim";
import { parseAllDocuments } from "yaml";
import { graphql, must } from "./graphql.ts";
import { until } from "./wait.ts";

/** Stage E of the storefront labs: the lab environment, lab 1's twilio policy and lab 3's zones (policies, through Palisade). */
export const STAGE_E_POLICY_FILES = ["storefront/01-environment.yaml", "storefront/10-lab1-twilio-integration.yaml", "storefront/20-lab3-zones.yaml"];
/** lab 2's rogue pod: a workload, which Palisade does not manage, so it goes straight to the cluster */
export const ROGUE_FILE = "storefront/40-lab2-rogue.yaml";

interface ApplyOutcome {
  valid: boolean;
  results: { document: number; kind: string | null; name: string | null; status: string; errors: { path: string; message: string }[] }[];
}

/**
 * Applies the stage E policies through Palisade's API and waits until the connector has put them in the cluster.
 * The lab environment is in the simulated cluster from its start, so it first waits until the connector has
 * mirrored it into Palisade: applied while the mirroring is under way, the same resources would be created twice.
 */
export async function applyStageEPolicies(url: string, token: string, clusterId: string, signal?: AbortSignal): Promise<ApplyOutcome> {
  await waitForMirror(url, token, clusterId, scenarioFile(STAGE_E_POLICY_FILES[0]!), signal);
  const yaml = STAGE_E_POLICY_FILES.map(scenarioFile).join("\n---\n");
  const { applyResources } = await must<{ applyResources: ApplyOutcome }>(
    "applying the lab environment",
    url,
    `mutation ($id: ID!, $yaml: String!) { applyResources(clusterId: $id, yaml: $yaml) { valid results { document kind name status errors { path message } } } }`,
    { id: clusterId, yaml },
    token,
  );
  if (!applyResources.valid) {
    const bad = applyResources.results.filter((r) => r.errors.length > 0).map((r) => `${r.kind}/${r.name}: ${r.errors.map((e) => `${e.path} ${e.message}`).join(", ")}`);
    throw new Error(`Palisade refused the lab environment: ${bad.join("; ")}`);
  }
  await waitForSync(url, token, clusterId, 60_000, signal);
  return applyResources;
}

/** Until every Calico resource of the YAML that the cluster holds shows in Palisade (mirrored by the connector). */
export async function waitForMirror(url: string, token: string, clusterId: string, yaml: string, signal?: AbortSignal): Promise<void> {
  const wanted = parseAllDocuments(yaml)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((o) => o?.kind && o.metadata?.name)
    .map((o) => `${o!.kind}/${o!.metadata!.name}`);
  await until(
    "the connector to mirror the cluster's policies into Palisade",
    async () => {
      const r = await graphql<{ tiers: { name: string }[]; policies: { edges: { node: { kind: string; name: string } }[] }; networkSets: { edges: { node: { kind: string; name: string } }[] } }>(
        url,
        `query ($id: ID!) { tiers(clusterId: $id) { name } policies(clusterId: $id, first: 100) { edges { node { kind name } } } networkSets(clusterId: $id, first: 100) { edges { node { kind name } } } }`,
        { id: clusterId },
        token,
      );
      if (!r.data) return false;
      const have = new Set([
        ...r.data.tiers.map((t) => `Tier/${t.name}`),
        ...[...r.data.policies.edges, ...r.data.networkSets.edges].map((e) => `${e.node.kind}/${e.node.name}`),
      ]);
      return wanted.every((w) => have.has(w));
    },
    60_000,
    signal,
  );
}

/** Until the connector acknowledges the cluster's desired revision; a sync error ends the wait. */
export async function waitForSync(url: string, token: string, clusterId: string, timeoutMs = 60_000, signal?: AbortSignal): Promise<void> {
  await until(
    "the connector to apply Palisade's policies",
    async () => {
      const r = await graphql<{ cluster: { sync: { desiredRevision: string; appliedRevision: string; errors: { name: string; message: string }[] } } }>(
        url,
        `query ($id: ID!) { cluster(id: $id) { sync { desiredRevision appliedRevision errors { name message } } } }`,
        { id: clusterId },
        token,
      );
      const s = r.data?.cluster.sync;
      if (s && s.errors.length > 0) throw new Error(`the connector could not apply: ${s.errors.map((e) => `${e.name}: ${e.message}`).join("; ")}`);
      return s && s.appliedRevision === s.desiredRevision;
    },
    timeoutMs,
    signal,
  );
}

/** The rogue pod of lab 2, loaded into the simulator as `kubectl apply` would. */
export function deployRogue(sim: SimCluster): void {
  sim.load(scenarioFile(ROGUE_FILE));
}
