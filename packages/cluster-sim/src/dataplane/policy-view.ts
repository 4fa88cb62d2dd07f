import { buildPolicySet, type PolicySet, type Resource } from "@palisade/policy";
import type { ObjectStore } from "../store/object-store.ts";
import { RESOURCE_TYPES, type ResourceType } from "../api/resource-types.ts";

/** The kinds the policy engine reads: Calico policy and sets, Kubernetes NetworkPolicy, and inventory. */
const KINDS: ResourceType[] = RESOURCE_TYPES.filter(
  (t) => t.group === "projectcalico.org" || (t.group === "networking.k8s.io" && t.kind === "NetworkPolicy") || (t.group === "" && ["Namespace", "Pod", "ServiceAccount"].includes(t.kind)),
);

/**
 * The policy set over what the API stores right now, rebuilt lazily after any change to a kind the
 * engine reads: a policy applied with kubectl or by the connector decides the next connection.
 */
export class PolicyView {
  private cached?: PolicySet;
  private readonly unsubscribe: () => void;
  rebuilds = 0;

  constructor(private readonly store: ObjectStore) {
    this.unsubscribe = store.subscribe((e) => {
      if (KINDS.includes(e.resource)) this.cached = undefined;
    });
  }

  get policySet(): PolicySet {
    if (!this.cached) {
      this.rebuilds++;
      const resources: Resource[] = [];
      for (const t of KINDS) {
        for (const o of this.store.list(t)) {
          if (t.kind === "Pod" && (o.spec as { hostNetwork?: boolean }).hostNetwork) continue; // host-networked pods are no workload endpoints
          resources.push(o as unknown as Resource);
        }
      }
      this.cached = buildPolicySet(resources);
    }
    return this.cached;
  }

  stop(): void {
    this.unsubscribe();
  }
}
