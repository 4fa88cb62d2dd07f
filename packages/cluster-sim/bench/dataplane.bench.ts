// Figures for the simulator: how many connections per second the dataplane judges and logs, against
// the policy engine's evaluate() alone on the same flows (the baseline), and API request rates.
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { startCluster } from "../src/index.ts";
import { scenarioFile } from "../src/scenarios/catalog.ts";

const sim = await startCluster({ scenario: "storefront", clusterId: "bench", rate: 0 });
for (const f of ["10-lab1-twilio-integration.yaml", "20-lab3-zones.yaml", "40-lab2-rogue.yaml"]) sim.load(scenarioFile(`storefront/${f}`));
await new Promise((r) => setTimeout(r, 50));

const rounds = 5000;
sim.advance(10);
let t = performance.now();
const results = sim.advance(rounds);
const dpMs = performance.now() - t;
const perRound = results.length;
sim.flush();

const flows = results.map((r) => ({
  src: r.src.pod ? { pod: `${r.src.namespace}/${r.src.name}` } : { ip: r.src.ip },
  dst: r.dst.pod ? { pod: `${r.dst.namespace}/${r.dst.name}` } : { ip: r.dst.ip },
  protocol: "TCP",
  port: 80,
}));
const ps = sim.dataplane.policies.policySet;
t = performance.now();
for (let i = 0; i < rounds; i++) for (const f of flows) ps.evaluate(f);
const evMs = performance.now() - t;

const dpRate = (rounds * perRound) / (dpMs / 1000);
const evRate = (rounds * perRound) / (evMs / 1000);
console.log(`dataplane: ${rounds} rounds x ${perRound} connections in ${dpMs.toFixed(0)} ms = ${Math.round(dpRate).toLocaleString("en")} connections/s judged, aggregated and logged`);
console.log(`baseline (evaluate() alone, same flows): ${Math.round(evRate).toLocaleString("en")} verdicts/s; dataplane overhead x${(evRate / dpRate).toFixed(1)}`);

const kc = new KubeConfig();
kc.loadFromFile(sim.kubeconfigPath);
const core = kc.makeApiClient(CoreV1Api);
const n = 300;
t = performance.now();
for (let i = 0; i < n; i++) await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: `bench-${i}` }, data: { i: String(i) } } });
const createMs = performance.now() - t;
t = performance.now();
for (let i = 0; i < 50; i++) await core.listNamespacedConfigMap({ namespace: "default" });
const listMs = performance.now() - t;
console.log(`API over HTTPS (client-node, sequential): ${Math.round(n / (createMs / 1000))} creates/s, ${Math.round(50 / (listMs / 1000))} lists/s of ${n} objects`);
await sim.stop();
