import { execFile } from "node:child_process";

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The kubectl under test: `kubectl` on PATH, or the binary named by $KUBECTL (e.g. Debian's v1.20). */
export const KUBECTL = process.env.KUBECTL || "kubectl";

/** Runs the real kubectl binary against a kubeconfig, optionally feeding stdin. */
export function kubectl(kubeconfig: string, args: string[], stdin?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(KUBECTL, args, { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

export async function kubectlOk(kubeconfig: string, args: string[], stdin?: string): Promise<string> {
  const r = await kubectl(kubeconfig, args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
