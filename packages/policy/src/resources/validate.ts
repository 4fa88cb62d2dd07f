import { validateK8sPolicySpec } from "../k8s/validate.ts";
import { parseAddress, parseCidr } from "../net/ip.ts";
import { Checker, join } from "./checker.ts";
import { kindInfo } from "./kinds.ts";
import { bareName, isCalicoName, isDnsLabel, isDnsSubdomain, policyTier } from "./names.ts";
import type { ValidationError } from "./types.ts";
import { validateRule } from "./validate-rule.ts";

const POLICY_FIELDS = ["tier", "order", "selector", "serviceAccountSelector", "types", "ingress", "egress", "performanceHints"];
const GLOBAL_FIELDS = [...POLICY_FIELDS, "namespaceSelector", "doNotTrack", "preDNAT", "applyOnForward"];

/** Every error in one object, each with its path; an empty list means Calico would accept it. */
export function validateResource(obj: unknown): ValidationError[] {
  const c = new Checker();
  if (!c.isObject(obj, "")) return c.errors;
  const info = kindInfo(obj.apiVersion, obj.kind);
  if (typeof obj.apiVersion !== "string") c.add("apiVersion", "apiVersion is required");
  if (typeof obj.kind !== "string") c.add("kind", "kind is required");
  if (!info) {
    if (typeof obj.apiVersion === "string" && typeof obj.kind === "string")
      c.add("kind", `unsupported kind ${obj.kind} in ${obj.apiVersion}`);
    return c.errors;
  }
  const kind = obj.kind as string;
  validateMetadata(c, obj.metadata, kind, info.namespaced);
  const spec = obj.spec;
  const name = (obj.metadata as { name?: unknown } | undefined)?.name;
  switch (kind) {
    case "Tier":
      if (c.isObject(spec ?? {}, "spec")) validateTier(c, (spec ?? {}) as Record<string, unknown>, name);
      break;
    case "NetworkPolicy":
      if (obj.apiVersion === "networking.k8s.io/v1") validateK8sPolicySpec(c, spec, "spec");
      else validateCalicoPolicy(c, spec, name, POLICY_FIELDS, false);
      break;
    case "GlobalNetworkPolicy":
      validateCalicoPolicy(c, spec, name, GLOBAL_FIELDS, false);
      break;
    case "StagedNetworkPolicy":
      validateCalicoPolicy(c, spec, name, [...POLICY_FIELDS, "stagedAction"], true);
      break;
    case "StagedGlobalNetworkPolicy":
      validateCalicoPolicy(c, spec, name, [...GLOBAL_FIELDS, "stagedAction"], true);
      break;
    case "StagedKubernetesNetworkPolicy":
      validateStagedK8s(c, spec);
      break;
    case "NetworkSet":
    case "GlobalNetworkSet":
      validateNetworkSet(c, spec);
      break;
    case "HostEndpoint":
      validateHostEndpoint(c, spec);
      break;
    case "Pod":
      validatePod(c, spec, obj.status);
      break;
  }
  return c.errors;
}

function validateMetadata(c: Checker, meta: unknown, kind: string, namespaced: boolean): void {
  if (!c.isObject(meta, "metadata")) return;
  const name = meta.name;
  if (typeof name !== "string" || name === "") c.add("metadata.name", "name is required");
  else if (kind === "Tier" || kind === "Namespace") {
    if (!isDnsLabel(name)) c.add("metadata.name", `'${name}' is not a valid ${kind === "Tier" ? "tier" : "namespace"} name: lowercase letters, digits and '-', no dots, at most 63 characters`);
  } else if (kind.endsWith("NetworkSet") || kind === "HostEndpoint") {
    if (!isCalicoName(name)) c.add("metadata.name", `'${name}' is not a valid name`);
  } else if (!isDnsSubdomain(name)) c.add("metadata.name", `'${name}' is not a valid name: lowercase letters, digits, '-' and '.'`);
  if (meta.namespace !== undefined) {
    if (!namespaced) c.add("metadata.namespace", `${kind} is not namespaced`);
    else if (typeof meta.namespace !== "string" || !isDnsLabel(meta.namespace))
      c.add("metadata.namespace", `${JSON.stringify(meta.namespace)} is not a valid namespace name`);
  }
  if (meta.labels !== undefined) c.labels(meta.labels, "metadata.labels");
  if (meta.annotations !== undefined && c.isObject(meta.annotations, "metadata.annotations")) {
    for (const [k, v] of Object.entries(meta.annotations)) if (typeof v !== "string") c.add(join("metadata.annotations", k), "expected a string");
  }
}

function validateTier(c: Checker, spec: Record<string, unknown>, name: unknown): void {
  c.knownFields(spec, ["order", "defaultAction"], "spec");
  if (spec.order !== undefined) c.isNumber(spec.order, "spec.order");
  if (spec.defaultAction !== undefined) c.oneOf(spec.defaultAction, ["Deny", "Pass"] as const, "spec.defaultAction");
  if (name === "default" && spec.defaultAction === "Pass") c.add("spec.defaultAction", "the default tier's defaultAction must be Deny");
}

function validateCalicoPolicy(c: Checker, spec: unknown, name: unknown, fields: readonly string[], staged: boolean): void {
  if (!c.isObject(spec ?? {}, "spec")) return;
  const s = (spec ?? {}) as Record<string, unknown>;
  c.knownFields(s, fields, "spec");
  if (s.tier !== undefined && c.isString(s.tier, "spec.tier") && !isDnsLabel(s.tier))
    c.add("spec.tier", `'${s.tier}' is not a valid tier name`);
  const tier = policyTier(typeof s.tier === "string" ? s.tier : undefined);
  if (typeof name === "string" && name.includes(".") && tier !== "default" && !name.startsWith(`${tier}.`) && isTierPrefixed(name))
    c.add("metadata.name", `'${name}' is prefixed with another tier than its spec.tier '${tier}'`);
  if (typeof name === "string" && bareName(name, tier) === "") c.add("metadata.name", "the name after the tier prefix is empty");

  if (staged) {
    if (s.stagedAction !== undefined && c.oneOf(s.stagedAction, ["Set", "Delete"] as const, "spec.stagedAction") && s.stagedAction === "Delete") {
      for (const k of Object.keys(s)) if (k !== "tier" && k !== "stagedAction") c.add(join("spec", k), "a staged Delete carries only the name and tier");
      return;
    }
  }
  if (s.order !== undefined) c.isNumber(s.order, "spec.order");
  if (s.selector !== undefined) c.selector(s.selector, "spec.selector");
  if (s.serviceAccountSelector !== undefined) c.selector(s.serviceAccountSelector, "spec.serviceAccountSelector");
  if (s.namespaceSelector !== undefined) c.selector(s.namespaceSelector, "spec.namespaceSelector");
  const types = new Set<string>();
  if (s.types !== undefined && c.isArray(s.types, "spec.types")) {
    s.types.forEach((t, i) => {
      if (!c.oneOf(t, ["Ingress", "Egress"] as const, `spec.types[${i}]`)) return;
      if (types.has(t)) c.add(`spec.types[${i}]`, `${t} is listed twice`);
      types.add(t);
    });
  }
  for (const dir of ["ingress", "egress"] as const) {
    const rules = s[dir];
    if (rules === undefined || !c.isArray(rules, `spec.${dir}`)) continue;
    if (s.types !== undefined && rules.length > 0 && !types.has(dir === "ingress" ? "Ingress" : "Egress"))
      c.add(`spec.${dir}`, `${dir} rules are present but types does not include ${dir === "ingress" ? "Ingress" : "Egress"}`);
    rules.forEach((r, i) => validateRule(c, r, `spec.${dir}[${i}]`, dir));
  }
}

// A name like `security.pass` whose prefix is a plausible tier name; bare names may contain dots
// too, so only a prefix that differs from spec.tier is reported.
function isTierPrefixed(name: string): boolean {
  const prefix = name.slice(0, name.indexOf("."));
  return isDnsLabel(prefix);
}

function validateStagedK8s(c: Checker, spec: unknown): void {
  if (c.isObject(spec, "spec") && spec.stagedAction !== undefined) {
    if (c.oneOf(spec.stagedAction, ["Set", "Delete"] as const, "spec.stagedAction") && spec.stagedAction === "Delete") {
      for (const k of Object.keys(spec)) if (k !== "stagedAction") c.add(join("spec", k), "a staged Delete carries only the name");
      return;
    }
  }
  validateK8sPolicySpec(c, spec, "spec", ["stagedAction"]);
}

function validateNetworkSet(c: Checker, spec: unknown): void {
  if (!c.isObject(spec ?? {}, "spec")) return;
  const s = (spec ?? {}) as Record<string, unknown>;
  c.knownFields(s, ["nets", "allowedEgressDomains"], "spec");
  if (s.nets !== undefined && c.isArray(s.nets, "spec.nets"))
    s.nets.forEach((n, i) => {
      if (typeof n !== "string" || !parseCidr(n)) c.add(`spec.nets[${i}]`, `${JSON.stringify(n)} is not a valid CIDR`);
    });
}

function validateHostEndpoint(c: Checker, spec: unknown): void {
  if (!c.isObject(spec, "spec")) return;
  c.knownFields(spec, ["node", "interfaceName", "expectedIPs", "profiles", "ports"], "spec");
  if (typeof spec.node !== "string" || spec.node === "") c.add("spec.node", "node is required");
  const ips = spec.expectedIPs;
  if (spec.interfaceName === undefined && (ips === undefined || (Array.isArray(ips) && ips.length === 0)))
    c.add("spec", "interfaceName or expectedIPs is required");
  if (ips !== undefined && c.isArray(ips, "spec.expectedIPs"))
    ips.forEach((ip, i) => {
      if (typeof ip !== "string" || !parseAddress(ip)) c.add(`spec.expectedIPs[${i}]`, `${JSON.stringify(ip)} is not an IP address`);
    });
}

function validatePod(c: Checker, spec: unknown, status: unknown): void {
  if (spec !== undefined && c.isObject(spec, "spec")) {
    if (spec.serviceAccountName !== undefined) c.isString(spec.serviceAccountName, "spec.serviceAccountName");
    const containers = spec.containers;
    if (containers !== undefined && c.isArray(containers, "spec.containers"))
      containers.forEach((ct, i) => {
        const p = `spec.containers[${i}]`;
        if (!c.isObject(ct, p) || ct.ports === undefined || !c.isArray(ct.ports, `${p}.ports`)) return;
        ct.ports.forEach((port, j) => {
          const pp = `${p}.ports[${j}]`;
          if (!c.isObject(port, pp)) return;
          const n = port.containerPort;
          if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 65535) c.add(`${pp}.containerPort`, "containerPort must be between 1 and 65535");
          if (port.protocol !== undefined) c.oneOf(port.protocol, ["TCP", "UDP", "SCTP"] as const, `${pp}.protocol`);
        });
      });
  }
  if (status !== undefined && c.isObject(status, "status") && status.podIP !== undefined) {
    if (typeof status.podIP !== "string" || !parseAddress(status.podIP)) c.add("status.podIP", `${JSON.stringify(status.podIP)} is not an IP address`);
  }
}
