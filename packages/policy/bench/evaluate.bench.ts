// npm run bench: verdicts per second for buildPolicySet().evaluate against the straightforward
// reference evaluator, measured in the same run on the same deterministic workload.
import { loadavg } from "node:os";
import { buildPolicySet } from "../src/index.ts";
import { generateFlows, generateResources, NAMESPACES, PODS_PER_NAMESPACE, POLICIES } from "./generate.ts";
import { ReferenceEvaluator } from "./reference-evaluator.ts";

const FLOWS = 1_000_000;
// The reference needs about a millisecond per verdict, so it runs on a sample and is extrapolated.
const REFERENCE_SAMPLE = 1_500;
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

const resources = generateResources();
const flows = generateFlows(FLOWS);
console.log(`workload: ${POLICIES} policies over 5 tiers, ${fmt(NAMESPACES * PODS_PER_NAMESPACE)} pods in ${NAMESPACES} namespaces, ${fmt(FLOWS)} flows`);
console.log(`machine load average before the run: ${loadavg().map((l) => l.toFixed(1)).join(" ")} (other processes on the same cores slow both evaluators)`);

let t = performance.now();
// Room for every side verdict of the run (about 1.9 million), so the second pass shows the cache.
const set = buildPolicySet(resources, { verdictCacheEntries: 1 << 21 });
console.log(`buildPolicySet: ${(performance.now() - t).toFixed(0)} ms`);

// One pass over every flow, counting verdicts so the work cannot be optimised away. The pass
// includes filling the per-pod caches, as a freshly built policy set would in production.
let allowed = 0;
t = performance.now();
let cpu = process.cpuUsage();
for (let i = 0; i < FLOWS; i++) if (set.evaluate(flows[i]!).action === "allow") allowed++;
const engineSeconds = (performance.now() - t) / 1000;
const engineCpu = cpuSeconds(cpu);
const engineRate = FLOWS / engineSeconds;
console.log(
  `engine: ${fmt(FLOWS)} verdicts in ${engineSeconds.toFixed(2)} s = ${fmt(engineRate)} verdicts/s` +
    ` (${fmt(FLOWS / engineCpu)} per CPU-second of this process; ${fmt(allowed)} allowed)`,
);

// A second pass over the same flows: every verdict in the cache, as repeated flows of a
// long-lived set are (real flows repeat; the first pass's flows are nearly all distinct).
const WARM = FLOWS;
t = performance.now();
cpu = process.cpuUsage();
for (let i = 0; i < WARM; i++) set.evaluate(flows[i]!);
const warmRate = WARM / ((performance.now() - t) / 1000);
const warmCpu = cpuSeconds(cpu);
console.log(`engine, cached (the ${fmt(WARM)} flows again): ${fmt(warmRate)} verdicts/s (${fmt(WARM / warmCpu)} per CPU-second)`);

const reference = new ReferenceEvaluator(resources);
const sample = flows.slice(0, REFERENCE_SAMPLE);
t = performance.now();
cpu = process.cpuUsage();
const referenceVerdicts = sample.map((f) => reference.evaluate(f));
const refSeconds = (performance.now() - t) / 1000;
const refCpu = cpuSeconds(cpu);
const refRate = REFERENCE_SAMPLE / refSeconds;
console.log(
  `reference (re-parses every selector, scans every policy): ${fmt(REFERENCE_SAMPLE)} verdicts in ${refSeconds.toFixed(2)} s = ${fmt(refRate)} verdicts/s` +
    ` (${fmt(REFERENCE_SAMPLE / refCpu)} per CPU-second)` +
    ` (a sample of the same flows, extrapolated: 1,000,000 would take about ${fmt(FLOWS / refRate)} s)`,
);
let agree = 0;
sample.forEach((f, i) => {
  const e = set.evaluate(f);
  const r = referenceVerdicts[i]!;
  if (r.action === e.action && JSON.stringify([r.egress, r.ingress]) === JSON.stringify([e.egress, e.ingress])) agree++;
});
console.log(`verdicts and traces identical to the reference on the sample: ${agree}/${REFERENCE_SAMPLE}`);
console.log(`ratio: ${(engineRate / refRate).toFixed(0)}x the reference (first pass), ${(warmRate / refRate).toFixed(0)}x cached`);
// CPU time is the fair measure on a shared machine: wall time counts the other processes too.
console.log(
  `per CPU-second: engine ${fmt(FLOWS / engineCpu)} (first pass), ${fmt(WARM / warmCpu)} (cached); reference ${fmt(REFERENCE_SAMPLE / refCpu)};` +
    ` ratio ${((FLOWS / engineCpu) / (REFERENCE_SAMPLE / refCpu)).toFixed(0)}x (first pass), ${((WARM / warmCpu) / (REFERENCE_SAMPLE / refCpu)).toFixed(0)}x (cached)`,
);
if (agree !== REFERENCE_SAMPLE) process.exitCode = 1;
