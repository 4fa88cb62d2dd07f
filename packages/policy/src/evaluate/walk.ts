import type { CompiledRule, FlowContext } from "./rule.ts";
import type { RuleTable } from "./rule-table.ts";
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
  /** their rows in the RuleTable, which is all the walk reads until a rule matches */
  rows: Int32Array;
  /** the end-of-tier entry after its index: the tier's default under its last applying policy */
  endOfTier: string;
  /** the first step number of this slice in its list: one per rule, then one for the end of tier */
  step: number;
}

/** The tiers that apply to the pods of one namespace, alike for their policies, in one direction. */
export interface SliceList {
  slices: TierSlice[];
  /** the namespace profile's entry after its index */
  profile: string;
  /** the step number of the profile */
  profileStep: number;
  /** the paths walked so far, as a trie of steps */
  root: TraceNode;
}

/**
 * A path through a slice list: the trace so far and, when the path ends, its verdict. Flows
 * that take the same path share the node, so a verdict costs no allocation once its path is
 * known and the verdict cache can hold a number instead of an object.
 */
export interface TraceNode {
  policies: string[];
  next: Array<TraceNode | undefined>;
  /** the verdict's id in Traces when the path ends here, else -1 */
  id: number;
}

/** Every side verdict of a policy set by id. */
export class Traces {
  readonly verdicts: SideVerdict[] = [];

  root(): TraceNode {
    return { policies: [], next: [], id: -1 };
  }

  /** The node after `node` with one more trace entry, ending the path with `action` if given. */
  extend(node: TraceNode, step: number, suffix: string, action: "allow" | "deny" | null): TraceNode {
    const policies = Object.freeze([...node.policies, node.policies.length + suffix]) as string[];
    let id = -1;
    if (action !== null) {
      id = this.verdicts.length;
      this.verdicts.push(Object.freeze({ action, policies }));
    }
    const next: TraceNode = { policies, next: [], id };
    node.next[step] = next;
    return next;
  }
}

/**
 * Walks the tiers that apply to one endpoint in one direction and returns the verdict's id in
 * `traces`. Allow and Deny end the walk, Pass leaves the tier, Log continues; a tier that applies
 * and ends without a verdict takes its defaultAction, reported with rule index -1 under the
 * tier's last applying policy, as Felix's end-of-tier rule does; past the last tier the namespace
 * profile allows.
 */
export function walkTiers(list: SliceList, flow: FlowContext, table: RuleTable, traces: Traces): number {
  let node = list.root;
  const slices = list.slices;
  for (let s = 0; s < slices.length; s++) {
    const slice = slices[s]!;
    const rows = slice.rows;
    let r = 0;
    while (r < rows.length && !table.matches(rows[r]!, flow)) r++;
    const step = slice.step + r;
    let next = node.next[step];
    if (next === undefined) {
      if (r < rows.length) {
        const rule = slice.rules[r]!;
        next = traces.extend(node, step, rule.trace, rule.action === "pass" ? null : rule.action === "allow" ? "allow" : "deny");
      } else next = traces.extend(node, step, slice.endOfTier, slice.tier.defaultAction === "deny" ? "deny" : null);
    }
    if (next.id !== -1) return next.id;
    node = next;
  }
  return (node.next[list.profileStep] ?? traces.extend(node, list.profileStep, list.profile, "allow")).id;
}
