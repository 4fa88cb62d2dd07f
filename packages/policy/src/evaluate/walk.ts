import type { CompiledRule, FlowContext } from "./rule.ts";
import { FLAGS, PASS, type RuleTable } from "./rule-table.ts";
import type { TierInfo } from "./tiers.ts";

/** Shared between verdicts (every flow that takes the same path gets the same object), hence frozen. */
export interface SideVerdict {
  action: "allow" | "deny";
  /** trace entries `<index>|<tier>|<name>|<action>|<ruleIndex>`, as Calico flow logs write them */
  policies: string[];
}

export type Direction = "ingress" | "egress";

/** The policies of one tier that apply to an endpoint in one direction, as their rule lists. */
export interface TierSlice {
  tier: TierInfo;
  /** the rules of the applying policies for the direction, in order, Log rules left out */
  rules: CompiledRule[];
  /** the end-of-tier entry after its index: the tier's default under its last applying policy */
  endOfTier: string;
}

/** The tiers that apply to the pods of one namespace, alike for their policies, in one direction. */
export interface SliceList {
  slices: TierSlice[];
  /**
   * All the walk reads until its verdict: per slice, its rule count, 1 when the tier's default
   * is Deny (else 0), then the rules' rows in the RuleTable.
   */
  program: Int32Array;
  /** the namespace profile's entry after its index */
  profile: string;
  /**
   * Verdict ids by path. A path is the rule (or end of tier) each visited slice ended at, as a
   * number in mixed radix (slice i counting rules_i + 1); unvisited slices count 0, which is
   * unambiguous because the visited ones decide where the walk stops. Dense while the radix
   * product is small, else a map.
   */
  ids: Int32Array | null;
  byPath: Map<number | string, number> | null;
  /** the radix product, past 2^53 meaning the path is keyed by its text */
  paths: number;
}

const DENSE_PATHS = 4096;

export function sliceList(slices: TierSlice[], profile: string, rows: Int32Array[]): SliceList {
  const program: number[] = [];
  let paths = 1;
  slices.forEach((slice, i) => {
    program.push(rows[i]!.length, slice.tier.defaultAction === "deny" ? 1 : 0, ...rows[i]!);
    paths *= rows[i]!.length + 1;
  });
  const dense = paths <= DENSE_PATHS;
  return {
    slices,
    program: Int32Array.from(program),
    profile,
    ids: dense ? new Int32Array(paths).fill(-1) : null,
    byPath: dense ? null : new Map(),
    paths,
  };
}

/** Every side verdict of a policy set by id. */
export class Traces {
  readonly verdicts: SideVerdict[] = [];
  /** per verdict id: 1 when it allows, 0 when it denies */
  readonly allows: number[] = [];
  /** the decisions of the walk in progress, per visited slice */
  decisions = new Int32Array(16);
}

/**
 * Walks the tiers that apply to one endpoint in one direction and returns the verdict's id in
 * `traces`. Allow and Deny end the walk, Pass leaves the tier, Log continues; a tier that applies
 * and ends without a verdict takes its defaultAction, reported with rule index -1 under the
 * tier's last applying policy, as Felix's end-of-tier rule does; past the last tier the namespace
 * profile allows.
 */
export function walkTiers(list: SliceList, flow: FlowContext, table: RuleTable, traces: Traces): number {
  const program = list.program;
  const words = table.words;
  let decisions = traces.decisions;
  if (decisions.length < list.slices.length) decisions = traces.decisions = new Int32Array(list.slices.length * 2);
  let path = 0;
  let radix = 1;
  let visited = 0;
  for (let i = 0; i < program.length; ) {
    const count = program[i]!;
    const denyAtEnd = program[i + 1]!;
    const first = i + 2;
    let r = 0;
    while (r < count && !table.matches(program[first + r]!, flow)) r++;
    decisions[visited++] = r;
    path += r * radix;
    radix *= count + 1;
    i = first + count;
    if (r < count ? words[program[first + r]! + FLAGS]! >> 2 !== PASS : denyAtEnd === 1) break;
  }
  if (list.ids !== null) {
    const id = list.ids[path]!;
    return id !== -1 ? id : (list.ids[path] = record(list, decisions, visited, traces));
  }
  const key = list.paths <= Number.MAX_SAFE_INTEGER ? path : decisions.subarray(0, visited).join(",");
  let id = list.byPath!.get(key);
  if (id === undefined) list.byPath!.set(key, (id = record(list, decisions, visited, traces)));
  return id;
}

/** Builds the verdict of a path seen for the first time. */
function record(list: SliceList, decisions: Int32Array, visited: number, traces: Traces): number {
  const policies: string[] = [];
  let action: "allow" | "deny" = "allow";
  let decided = false;
  for (let s = 0; s < visited; s++) {
    const slice = list.slices[s]!;
    const r = decisions[s]!;
    if (r < slice.rules.length) {
      const rule = slice.rules[r]!;
      policies.push(policies.length + rule.trace);
      if (rule.action !== "pass") {
        action = rule.action === "allow" ? "allow" : "deny";
        decided = true;
      }
    } else {
      policies.push(policies.length + slice.endOfTier);
      if (slice.tier.defaultAction === "deny") {
        action = "deny";
        decided = true;
      }
    }
  }
  if (!decided) policies.push(policies.length + list.profile);
  traces.verdicts.push(Object.freeze({ action, policies: Object.freeze(policies) as string[] }));
  traces.allows.push(action === "allow" ? 1 : 0);
  return traces.verdicts.length - 1;
}
