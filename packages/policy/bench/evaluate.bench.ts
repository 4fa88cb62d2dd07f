// npm run bench: verdicts per second for buildPolicySet().evaluate against the straightforward
// reference evaluator, measured in the same run on the same deterministic workload.
import { buildPolicySet } from "../src/index.ts";
import { generateFlows, generateResources, NAMESPACES, PODS_PER_NAMESPACE, POLICIES } from "./generate.ts";
import { ReferenceEvaluator } from "./reference-evaluator.ts";

const FLOWS = 1_000_000;
const REFERENCE_SAMPLE = 5_000;

const resources = generateResources();
const flows = generateFlows(FLOWS);
console.log(`workload: ${POLICIES} policies over 5 tiers, ${NAMESPACES * PODS_PER_NAMESPACE} pods in ${NAMESPACES} namespaces, ${FLOWS.toLocaleString("en")} flows`);

let t = performance.now();
const set = buildPolicySet(resources);
console.log(`buildPolicySet: ${(performance.now() - t).toFixed(0)} ms`);

// One pass over all flows, counting verdicts so the work cannot be optimised away. The first
// pass includes filling the per-pod caches, as a fresh policy set would in production.
let allowed = 0;
t = performance.now();
for (let i = 0; i < FLOWS; i++) if (set.evaluate(flows[i]!).action === "allow") allowed++;
const engineSeconds = (performance.now() - t) / 1000;
const engineRate = FLOWS / engineSeconds;
console.log(`engine: ${FLOWS.toLocaleString("en")} verdicts in ${engineSeconds.toFixed(2)} s = ${Math.round(engineRate).toLocaleString("en")} verdicts/s (${allowed.toLocaleString("en")} allowed)`);

const reference = new ReferenceEvaluator(resources);
t = performance.now();
let disagreements = 0;
for (let i = 0; i < REFERENCE_SAMPLE; i++) {
  const r = reference.evaluate(flows[i]!);
  const e = set.evaluate(flows[i]!);
  if (r.action !== e.action || JSON.stringify(r.egress) !== JSON.stringify(e.egress) || JSON.stringify(r.ingress) !== JSON.stringify(e.ingress)) disagreements++;
}
// Time the reference alone for the rate.
t = performance.now();
for (let i = 0; i < REFERENCE_SAMPLE; i++) reference.evaluate(flows[i]!);
const refSeconds = (performance.now() - t) / 1000;
const refRate = REFERENCE_SAMPLE / refSeconds;
console.log(
  `reference (re-parses selectors, scans every policy): ${REFERENCE_SAMPLE.toLocaleString("en")} verdicts in ${refSeconds.toFixed(2)} s = ${Math.round(refRate).toLocaleString("en")} verdicts/s` +
    ` (measured on the first ${REFERENCE_SAMPLE.toLocaleString("en")} flows; 1,000,000 would take about ${Math.round(FLOWS / refRate)} s)`,
);
console.log(`verdicts and traces agreeing with the reference on the sample: ${REFERENCE_SAMPLE - disagreements}/${REFERENCE_SAMPLE}`);
console.log(`ratio: ${(engineRate / refRate).toFixed(1)}x the reference`);
if (disagreements > 0) process.exitCode = 1;
