import type { PodEntity } from "./entities.ts";
import type { CompiledRule, FlowContext } from "./rule.ts";
import type { RuleTable } from "./rule-table.ts";
import type { TierInfo } from "./tiers.ts";

/** Shared between verdicts (a repeated flow gets the same object back), hence frozen. */
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
  /** complete end-of-tier entries by index, built on first use */
  endOfTierTraces: string[];
}

/** A trace entry at an index; entries are built once per index and reused, as flows repeat them. */
function entry(cache: string[], suffix: string, index: number): string {
  return (cache[index] ??= index + suffix);
}

/**
 * Walks the tiers that apply to one endpoint in one direction. Allow and Deny end the walk, Pass
 * leaves the tier, Log continues; a tier that applies and ends without a verdict takes its
 * defaultAction, reported with rule index -1 under the tier's last applying policy, as Felix's
 * end-of-tier rule does; past the last tier the namespace profile allows.
 */
export function walkTiers(slices: readonly TierSlice[], flow: FlowContext, pod: PodEntity, table: RuleTable): SideVerdict {
  const policies: string[] = [];
  for (let s = 0; s < slices.length; s++) {
    const slice = slices[s]!;
    let decided: CompiledRule | null = null;
    const rows = slice.rows;
    for (let r = 0; r < rows.length; r++) {
      if (table.matches(rows[r]!, flow)) {
        decided = slice.rules[r]!;
        break;
      }
    }
    if (decided !== null) {
      policies.push(entry(decided.traces, decided.trace, policies.length));
      if (decided.action === "pass") continue;
      return side(decided.action === "allow" ? "allow" : "deny", policies);
    }
    policies.push(entry(slice.endOfTierTraces, slice.endOfTier, policies.length));
    if (slice.tier.defaultAction === "deny") return side("deny", policies);
  }
  policies.push(entry(pod.profileTraces, pod.profileTrace, policies.length));
  return side("allow", policies);
}

function side(action: "allow" | "deny", policies: string[]): SideVerdict {
  Object.freeze(policies);
  return Object.freeze({ action, policies });
}
