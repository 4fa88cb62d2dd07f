import type { StoredKind } from "../policies/kinds.ts";
import type { TraceEntry } from "./trace.ts";

/** The stored policy a trace entry names, as policy_resource_versions keys it. */
export interface PolicyRef {
  kind: StoredKind;
  /** '' for global policies */
  namespace: string;
  /** as stored: `tier.name` for Calico policies, the bare name for Kubernetes ones */
  name: string;
  staged: boolean;
}

const KNP = "knp.default.";
const STAGED = "staged:";

/**
 * Reads a trace name back into the policy it came from (packages/policy's traceName, reversed):
 * `ns/tier.name`, `tier.name`, `ns/tier.staged:name`, `tier.staged:name`, `ns/knp.default.name`,
 * `ns/staged:knp.default.name`. Profiles (`__PROFILE__` tier) and names of another shape are no stored policy.
 */
export function policyRefOf(entry: Pick<TraceEntry, "tier" | "name">): PolicyRef | null {
  if (entry.tier === "__PROFILE__") return null;
  const slash = entry.name.indexOf("/");
  const namespace = slash < 0 ? "" : entry.name.slice(0, slash);
  let rest = entry.name.slice(slash + 1);
  if (namespace) {
    const stagedK8s = rest.startsWith(STAGED + KNP);
    if (stagedK8s) rest = rest.slice(STAGED.length);
    if (rest.startsWith(KNP)) {
      const name = rest.slice(KNP.length);
      return name ? { kind: stagedK8s ? "StagedKubernetesNetworkPolicy" : "KubernetesNetworkPolicy", namespace, name, staged: stagedK8s } : null;
    }
  }
  if (!rest.startsWith(`${entry.tier}.`)) return null;
  let bare = rest.slice(entry.tier.length + 1);
  const staged = bare.startsWith(STAGED);
  if (staged) bare = bare.slice(STAGED.length);
  if (!bare) return null;
  const kind: StoredKind = namespace ? (staged ? "StagedNetworkPolicy" : "NetworkPolicy") : staged ? "StagedGlobalNetworkPolicy" : "GlobalNetworkPolicy";
  return { kind, namespace, name: `${entry.tier}.${bare}`, staged };
}
