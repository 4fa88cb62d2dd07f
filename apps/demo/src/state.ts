import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** What a demo run leaves for the next one on the same data dir, so it reuses the demo tenant and cluster. */
export interface DemoState {
  email: string;
  accessToken: string;
  clusterId: string;
  clusterName: string;
}

export function demoDir(dataDir: string): string {
  return path.join(dataDir, "demo");
}

const file = (dataDir: string) => path.join(demoDir(dataDir), "state.json");

export function readState(dataDir: string): DemoState | null {
  try {
    const s = JSON.parse(readFileSync(file(dataDir), "utf8")) as Partial<DemoState>;
    return s.email && s.accessToken && s.clusterId && s.clusterName ? (s as DemoState) : null;
  } catch {
    return null;
  }
}

/** Written owner-only: it holds the demo tenant's access token. */
export function writeState(dataDir: string, state: DemoState): void {
  mkdirSync(demoDir(dataDir), { recursive: true });
  writeFileSync(file(dataDir), JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
}
