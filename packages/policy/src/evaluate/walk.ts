import type { PodEntity } from "./entities.ts";
import type { CompiledPolicy } from "./policy.ts";
import type { FlowContext } from "./rule.ts";
import type { TierInfo } from "./tiers.ts";

export interface SideVerdict {
  action: "allow" | "deny";
  /** trace entries `<index>|<tier>|<name>|<action>|<ruleIndex>`, as Calico flow logs write them */
  policies: string[];
}

export type Direction = "ingress" | "egress";

/** The policies of one tier that apply to an endpoint in one direction, in order. */
export interface TierSlice {
  tier: TierInfo;
  policies: CompiledPolicy[];
}

/**
 * Walks the tiers that apply to one endpoint in one direction. Allow and Deny end the walk, Pass
 * leaves the tier, Log continues; a tier that applies and ends without a verdict takes its
 * defaultAction, reported with rule index -1 under the tier's last applying policy, as Felix's
 * end-of-tier rule does; past the last tier the namespace profile allows.
 */
export function walkTiers(slices: readonly TierSlice[], flow: FlowContext, dir: Direction, pod: PodEntity): SideVerdict {
  const policies: string[] = [];
  for (const slice of slices) {
    const tier = slice.tier.name;
    let decided: "allow" | "deny" | "pass" | null = null;
    for (const p of slice.policies) {
      const rules = p[dir]!;
      for (const r of rules) {
        if (r.action === null || !r.matches(flow)) continue;
        policies.push(`${policies.length}|${tier}|${p.traceName}|${r.action}|${r.index}`);
        decided = r.action;
        break;
      }
      if (decided !== null) break;
    }
    if (decided === "allow" || decided === "deny") return { action: decided, policies };
    if (decided === "pass") continue;
    const last = slice.policies[slice.policies.length - 1]!;
    const action = slice.tier.defaultAction;
    policies.push(`${policies.length}|${tier}|${last.traceName}|${action}|-1`);
    if (action === "deny") return { action, policies };
  }
  policies.push(`${policies.length}|__PROFILE__|__PROFILE__.kns.${pod.namespace}|allow|0`);
  return { action: "allow", policies };
}
