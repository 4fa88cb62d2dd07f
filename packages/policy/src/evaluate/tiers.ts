import type { Tier } from "../resources/types.ts";
import type { CompiledPolicy } from "./policy.ts";

export interface TierInfo {
  name: string;
  order: number | undefined;
  defaultAction: "deny" | "pass";
}

/**
 * Tiers Calico creates on its own; a Tier in the input overrides them. Kubernetes admin and
 * baseline network policies live in kube-admin and kube-baseline, which pass by default.
 */
const BUILT_IN: readonly TierInfo[] = [
  { name: "kube-admin", order: 1_000, defaultAction: "pass" },
  { name: "default", order: 1_000_000, defaultAction: "deny" },
  { name: "kube-baseline", order: 10_000_000, defaultAction: "pass" },
];

export function tierTable(tiers: Tier[]): Map<string, TierInfo> {
  const table = new Map<string, TierInfo>();
  for (const t of BUILT_IN) table.set(t.name, t);
  for (const t of tiers) {
    table.set(t.metadata.name, {
      name: t.metadata.name,
      order: t.spec?.order,
      // Calico's Tier spec defaults defaultAction to Deny.
      defaultAction: t.spec?.defaultAction === "Pass" ? "pass" : "deny",
    });
  }
  return table;
}

/** Calico's tier order: by order (none = last), ties by name. */
export function compareTiers(a: TierInfo, b: TierInfo): number {
  const ao = a.order ?? Infinity;
  const bo = b.order ?? Infinity;
  if (ao !== bo) return ao < bo ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export interface OrderedTier {
  info: TierInfo;
  policies: CompiledPolicy[];
}
