import { buildPolicySet } from "../src/index.ts";
import { generateFlows, generateResources } from "./generate.ts";
const set = buildPolicySet(generateResources());
const flows = generateFlows(1000);
for (let k = 0; k < 50; k++) for (const f of flows) set.evaluate(f);
const t = performance.now();
for (let k = 0; k < 1000; k++) for (const f of flows) set.evaluate(f);
console.log("hot 1M", performance.now() - t);
