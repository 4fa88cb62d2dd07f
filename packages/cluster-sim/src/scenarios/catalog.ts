import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type ScenarioName = "stars" | "storefront" | "empty";

const ROOT = fileURLToPath(new URL("../../scenarios/", import.meta.url));

/** Files a scenario loads at start: the workloads of Stars stage 0, storefront stage A; Calico in both. */
const INITIAL: Record<ScenarioName, string[]> = {
  stars: ["stars/00-namespace.yaml", "stars/01-management-ui.yaml", "stars/02-backend.yaml", "stars/03-frontend.yaml", "stars/04-client.yaml"],
  storefront: ["storefront/00-cluster.yaml", "storefront/01-environment.yaml"],
  empty: [],
};

export function scenarioNames(): ScenarioName[] {
  return Object.keys(INITIAL) as ScenarioName[];
}

export function initialYaml(name: ScenarioName): string[] {
  return ["common/calico-node.yaml", ...INITIAL[name]].map(scenarioFile);
}

/** A YAML file shipped with the package, e.g. `storefront/20-lab3-zones.yaml`. */
export function scenarioFile(relative: string): string {
  return readFileSync(ROOT + relative, "utf8");
}

export function scenarioFilePath(relative: string): string {
  return ROOT + relative;
}

export function scenarioFiles(name: Exclude<ScenarioName, "empty">): string[] {
  return readdirSync(ROOT + name).filter((f) => f.endsWith(".yaml")).sort();
}
