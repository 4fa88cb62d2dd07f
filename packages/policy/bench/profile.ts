// A small driver for profiling evaluation: builds the benchmark's policy set and evaluates N
// flows for a number of passes, printing verdicts per CPU-second for each pass.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts 200000 2
//   npx tsx bench/cpuprofile-top.ts /tmp/prof/*.cpuprofile
import { buildPolicySet } from "../src/index.ts";
import { generateFlows, generateResources } from "./generate.ts";

const count = Number(process.argv[2] ?? 200_000);
const passes = Number(process.argv[3] ?? 2);
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

const resources = generateResources();
const flows = generateFlows(count);
let cpu = process.cpuUsage();
const set = buildPolicySet(resources);
console.log(`buildPolicySet: ${cpuSeconds(cpu).toFixed(2)} CPU-s`);
for (let pass = 0; pass < passes; pass++) {
  cpu = process.cpuUsage();
  let allowed = 0;
  for (let i = 0; i < count; i++) if (set.evaluate(flows[i]!).action === "allow") allowed++;
  console.log(`pass ${pass + 1}: ${Math.round(count / cpuSeconds(cpu)).toLocaleString("en")} verdicts per CPU-second (${allowed} allowed)`);
}
