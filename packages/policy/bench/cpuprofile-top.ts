// Summarises V8 .cpuprofile files (node --cpu-prof): the functions with the most self time.
//   npx tsx bench/cpuprofile-top.ts FILE.cpuprofile [rows]
import { readFileSync } from "node:fs";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[] }

const [file, rows = "30"] = process.argv.slice(2);
if (!file) throw new Error("usage: cpuprofile-top.ts FILE.cpuprofile [rows]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
for (const id of profile.samples) {
  const f = nodes.get(id)!.callFrame;
  const where = f.url === "" ? "" : ` ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
  const name = `${f.functionName || "(anonymous)"}${where}`;
  self.set(name, (self.get(name) ?? 0) + 1);
}
const total = profile.samples.length;
for (const [name, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(rows)))
  console.log(`${((100 * n) / total).toFixed(1).padStart(5)}%  ${name}`);
