import { spawnSync } from "node:child_process";

const found = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return !r.error;
};

/**
 * What the demo needs beyond Node: bash to run the install script, and kubectl, which the install script
 * uses against the simulated cluster. Answers the problems (empty when none), before anything starts.
 */
export function missingPrerequisites(): string[] {
  const problems: string[] = [];
  if (!found("bash", ["-c", "true"])) problems.push("bash is not on PATH; the install script needs it.");
  if (!found("kubectl", ["version", "--client"])) {
    problems.push("kubectl is not on PATH; the install script uses it to install the connector. Install it (https://kubernetes.io/docs/tasks/tools/) and run `npm run demo` again.");
  }
  return problems;
}

export function hasCurl(): boolean {
  return found("curl", ["--version"]);
}
