import { parseResources } from "../resources/parse.ts";
import type { Resource } from "../resources/types.ts";
import { buildPolicySet } from "../evaluate/policy-set.ts";
import type { Flow } from "../evaluate/flow.ts";
import { tryParseSelector } from "../selector/index.ts";
import type { Args } from "./args.ts";

/** What a command writes and the exit code it ends with; the caller does the I/O. */
export interface Output {
  stdout: string[];
  stderr: string[];
  code: number;
}

export type ReadFile = (path: string) => string;

export const USAGE = `usage:
  palisade-policy validate FILE...
  palisade-policy match --selector 'SEL' --labels '{"k":"v"}'
  palisade-policy eval --resources FILE... --flows FLOWS.jsonl`;

/** validate: every error with file, document and path; exit 1 when any. */
export function validateCommand(args: Args, read: ReadFile): Output {
  const out: Output = { stdout: [], stderr: [], code: 0 };
  if (args.positional.length === 0) return usage("validate needs at least one FILE");
  for (const file of args.positional) {
    let text: string;
    try {
      text = read(file);
    } catch (e) {
      out.stderr.push(`${file}: ${(e as Error).message}`);
      out.code = 1;
      continue;
    }
    const { resources, errors } = parseResources(text);
    for (const e of errors) out.stdout.push(`${file}: document ${e.document ?? 0}: ${e.path || "(document)"}: ${e.message}`);
    if (errors.length > 0) out.code = 1;
    else out.stdout.push(`${file}: ${resources.length} resource${resources.length === 1 ? "" : "s"} valid`);
  }
  return out;
}

/** match: `true` or `false`; a selector syntax error prints its column and exits 2. */
export function matchCommand(args: Args): Output {
  const selector = args.options.get("selector")?.[0];
  const labelsText = args.options.get("labels")?.[0] ?? "{}";
  if (selector === undefined) return usage("match needs --selector");
  let labels: unknown;
  try {
    labels = JSON.parse(labelsText);
  } catch (e) {
    return { stdout: [], stderr: [`--labels: ${(e as Error).message}`], code: 2 };
  }
  if (typeof labels !== "object" || labels === null || Array.isArray(labels) || Object.values(labels).some((v) => typeof v !== "string"))
    return { stdout: [], stderr: ["--labels must be a JSON object of string values"], code: 2 };
  const r = tryParseSelector(selector);
  if ("error" in r) return { stdout: [], stderr: [`selector: ${r.error.message}`], code: 2 };
  return { stdout: [String(r.selector.matches(labels as Record<string, string>))], stderr: [], code: 0 };
}

/** eval: one JSON line per flow with the enforced and pending verdicts and their traces. */
export function evalCommand(args: Args, read: ReadFile): Output {
  const files = args.options.get("resources") ?? [];
  const flowsFile = args.options.get("flows")?.[0];
  if (files.length === 0 || flowsFile === undefined) return usage("eval needs --resources FILE... and --flows FLOWS.jsonl");
  const out: Output = { stdout: [], stderr: [], code: 0 };
  const resources: Resource[] = [];
  for (const file of files) {
    const { resources: rs, errors } = parseResources(read(file));
    for (const e of errors) out.stderr.push(`${file}: document ${e.document ?? 0}: ${e.path || "(document)"}: ${e.message}`);
    if (errors.length > 0) out.code = 1;
    resources.push(...rs);
  }
  if (out.code !== 0) return out;
  const set = buildPolicySet(resources);
  read(flowsFile)
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let flow: Flow & { id?: unknown };
      try {
        flow = JSON.parse(line) as Flow & { id?: unknown };
        const v = set.evaluate(flow);
        out.stdout.push(JSON.stringify({ id: flow.id ?? i + 1, action: v.action, egress: v.egress, ingress: v.ingress, pending: v.pending }));
      } catch (e) {
        out.stderr.push(`${flowsFile}:${i + 1}: ${(e as Error).message}`);
        out.code = 1;
      }
    });
  return out;
}

function usage(message: string): Output {
  return { stdout: [], stderr: [message, USAGE], code: 2 };
}
