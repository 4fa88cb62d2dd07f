// Selector matching throughput: the compiled matcher against a naive interpreter that parses the
// selector text again for every match, both measured in this run. Run: npx tsx bench/selector.bench.ts
import { parseSelector } from "../src/selector/index.ts";
import type { Labels } from "../src/selector/index.ts";
import { parseSelectorTree } from "../src/selector/parser.ts";
import { evaluateTree } from "../src/selector/reference-evaluator.ts";
import { CompiledSelector } from "../src/selector/selector.ts";

const TYPICAL = `app == 'x' && role in {'a','b'}`;
const MIXED = [
  TYPICAL,
  `app == "web"`,
  `has(role) && !has(canary)`,
  `tier in {"frontend", "backend", "cache", "db", "queue"} && env != "dev"`,
  `(app == "x" || app == "api") && version starts with "v1"`,
  `projectcalico.org/namespace not in {"kube-system", "calico-system"}`,
  `global() || team contains "pay"`,
  `!(env == "prod" && role == "a")`,
];

function makeLabels(count: number): Labels[] {
  const apps = ["x", "web", "api", "db"];
  const roles = ["a", "b", "c"];
  const out: Labels[] = [];
  for (let i = 0; i < count; i++) {
    const labels: Record<string, string> = {};
    // Differing key sets and orders give the engine many object shapes, as real pods do.
    if (i % 7 !== 0) labels["app"] = apps[i % apps.length]!;
    if (i % 5 !== 0) labels["role"] = roles[i % roles.length]!;
    labels["pod-template-hash"] = `h${i % 97}`;
    if (i % 3 === 0) labels["version"] = `v1.${i % 4}`;
    if (i % 4 === 0) labels["env"] = i % 8 === 0 ? "prod" : "dev";
    if (i % 11 === 0) labels["tier"] = "cache";
    if (i % 13 === 0) labels["canary"] = "true";
    labels["projectcalico.org/namespace"] = `ns-${i % 20}`;
    out.push(labels);
  }
  return out;
}

/** Runs `round` (which does `perRound` matches) until `seconds` have passed; returns matches per second. */
function measure(round: () => number, perRound: number, seconds: number): { rate: number; sink: number } {
  let sink = 0;
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) sink += round();
  let rounds = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    sink += round();
    rounds++;
    now = performance.now();
  }
  return { rate: (rounds * perRound) / ((now - start) / 1000), sink };
}

const format = (rate: number) => `${(rate / 1e6).toFixed(2)} M/s`.padStart(12);

const labelSets = makeLabels(1024);

function run(name: string, texts: readonly string[]): void {
  const compiled = texts.map(parseSelector);
  const perRound = labelSets.length * texts.length;
  const fast = measure(
    () => {
      let n = 0;
      for (const selector of compiled) {
        for (let i = 0; i < labelSets.length; i++) if (selector.matches(labelSets[i]!)) n++;
      }
      return n;
    },
    perRound,
    2,
  );
  const naive = measure(
    () => {
      let n = 0;
      for (const text of texts) {
        for (let i = 0; i < labelSets.length; i++) if (evaluateTree(parseSelectorTree(text), labelSets[i]!)) n++;
      }
      return n;
    },
    perRound,
    2,
  );
  const ratio = (fast.rate / naive.rate).toFixed(0);
  console.log(`${name.padEnd(34)} compiled ${format(fast.rate)}   naive re-parse ${format(naive.rate)}   ratio ${ratio}x`);
  if (fast.sink === -1 || naive.sink === -1) console.log("unreachable");
}

/** parseSelector on text it has seen: what a caller pays for not keeping the compiled selector itself. */
function cacheHits(): void {
  const texts = Array.from({ length: 1000 }, (_, i) => `app == "a${i}" && role in {"x", "y"}`);
  for (const text of texts) parseSelector(text);
  const hits = measure(
    () => {
      let n = 0;
      for (const text of texts) n += parseSelector(text).keys.length;
      return n;
    },
    texts.length,
    1,
  );
  console.log(`${"parseSelector, cached text".padEnd(34)} ${format(hits.rate)} lookups`);
}

/** Parsing and compiling text not seen before (what validating a batch of new policies costs). */
function coldParses(): void {
  const compiled = measure(
    () => {
      let n = 0;
      for (const text of MIXED) n += new CompiledSelector(parseSelectorTree(text)).keys.length;
      return n;
    },
    MIXED.length,
    1,
  );
  console.log(`${"parse + compile, uncached".padEnd(34)} ${format(compiled.rate)} selectors`);
}

console.log(`node ${process.version}, one core, ${labelSets.length} label sets, matches per second`);
run(`typical: ${TYPICAL}`, [TYPICAL]);
run(`mixed: ${MIXED.length} selectors`, MIXED);
cacheHits();
coldParses();
