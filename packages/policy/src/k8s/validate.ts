import { join, type Checker } from "../resources/checker.ts";
import { parseCidr, cidrWithin } from "../net/ip.ts";

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Validates a Kubernetes NetworkPolicy spec as the API server does. */
export function validateK8sPolicySpec(c: Checker, spec: unknown, path: string, extraFields: readonly string[] = []): void {
  if (!c.isObject(spec, path)) return;
  c.knownFields(spec, ["podSelector", "policyTypes", "ingress", "egress", ...extraFields], path);
  if (spec.podSelector === undefined) c.add(join(path, "podSelector"), "podSelector is required (use {} for every pod)");
  else labelSelector(c, spec.podSelector, join(path, "podSelector"));
  if (spec.policyTypes !== undefined && c.isArray(spec.policyTypes, join(path, "policyTypes"))) {
    spec.policyTypes.forEach((t, i) => c.oneOf(t, ["Ingress", "Egress"] as const, join(join(path, "policyTypes"), i)));
  }
  for (const dir of ["ingress", "egress"] as const) {
    const rules = spec[dir];
    if (rules === undefined || !c.isArray(rules, join(path, dir))) continue;
    const peersField = dir === "ingress" ? "from" : "to";
    rules.forEach((rule, i) => {
      const rp = join(join(path, dir), i);
      if (!c.isObject(rule, rp)) return;
      c.knownFields(rule, [peersField, "ports"], rp);
      const peers = rule[peersField];
      if (peers !== undefined && c.isArray(peers, join(rp, peersField)))
        peers.forEach((peer, j) => validatePeer(c, peer, join(join(rp, peersField), j)));
      const ports = rule.ports;
      if (ports !== undefined && c.isArray(ports, join(rp, "ports")))
        ports.forEach((port, j) => validatePort(c, port, join(join(rp, "ports"), j)));
    });
  }
}

export function labelSelector(c: Checker, sel: unknown, path: string): void {
  if (!c.isObject(sel, path)) return;
  c.knownFields(sel, ["matchLabels", "matchExpressions"], path);
  if (sel.matchLabels !== undefined) c.labels(sel.matchLabels, join(path, "matchLabels"));
  if (sel.matchExpressions !== undefined && c.isArray(sel.matchExpressions, join(path, "matchExpressions"))) {
    sel.matchExpressions.forEach((e, i) => {
      const p = join(join(path, "matchExpressions"), i);
      if (!c.isObject(e, p)) return;
      c.isString(e.key, join(p, "key"));
      if (!c.oneOf(e.operator, ["In", "NotIn", "Exists", "DoesNotExist"] as const, join(p, "operator"))) return;
      const values = e.values;
      const hasValues = Array.isArray(values) && values.length > 0;
      if ((e.operator === "In" || e.operator === "NotIn") && !hasValues)
        c.add(join(p, "values"), `values must be non-empty for operator ${e.operator}`);
      if ((e.operator === "Exists" || e.operator === "DoesNotExist") && hasValues)
        c.add(join(p, "values"), `values must be empty for operator ${e.operator}`);
      if (Array.isArray(values)) values.forEach((v, j) => c.isString(v, join(join(p, "values"), j)));
    });
  }
}

function validatePeer(c: Checker, peer: unknown, path: string): void {
  if (!c.isObject(peer, path)) return;
  c.knownFields(peer, ["podSelector", "namespaceSelector", "ipBlock"], path);
  if (peer.podSelector === undefined && peer.namespaceSelector === undefined && peer.ipBlock === undefined)
    c.add(path, "a peer needs podSelector, namespaceSelector or ipBlock");
  if (peer.podSelector !== undefined) labelSelector(c, peer.podSelector, join(path, "podSelector"));
  if (peer.namespaceSelector !== undefined) labelSelector(c, peer.namespaceSelector, join(path, "namespaceSelector"));
  if (peer.ipBlock === undefined) return;
  const bp = join(path, "ipBlock");
  if (peer.podSelector !== undefined || peer.namespaceSelector !== undefined)
    c.add(bp, "ipBlock may not be combined with podSelector or namespaceSelector");
  if (!c.isObject(peer.ipBlock, bp)) return;
  const cidr = typeof peer.ipBlock.cidr === "string" && peer.ipBlock.cidr.includes("/") ? parseCidr(peer.ipBlock.cidr) : undefined;
  if (!cidr) c.add(join(bp, "cidr"), `${JSON.stringify(peer.ipBlock.cidr)} is not a valid CIDR`);
  const except = peer.ipBlock.except;
  if (except !== undefined && c.isArray(except, join(bp, "except"))) {
    except.forEach((e, i) => {
      const ep = join(join(bp, "except"), i);
      const ex = typeof e === "string" ? parseCidr(e) : undefined;
      if (!ex) c.add(ep, `${JSON.stringify(e)} is not a valid CIDR`);
      else if (cidr && !(cidrWithin(ex, cidr) && ex.prefix > cidr.prefix)) c.add(ep, `${e} must be strictly within ${cidr.text}`);
    });
  }
}

function validatePort(c: Checker, port: unknown, path: string): void {
  if (!c.isObject(port, path)) return;
  c.knownFields(port, ["protocol", "port", "endPort"], path);
  if (port.protocol !== undefined) c.oneOf(port.protocol, ["TCP", "UDP", "SCTP"] as const, join(path, "protocol"));
  const p = port.port;
  if (typeof p === "number") {
    if (!Number.isInteger(p) || p < 1 || p > 65535) c.add(join(path, "port"), "port must be between 1 and 65535");
  } else if (typeof p === "string") {
    if (p.length > 15 || !PORT_NAME.test(p) || !/[a-z]/.test(p)) c.add(join(path, "port"), `'${p}' is not a valid port name`);
  } else if (p !== undefined) c.add(join(path, "port"), "port must be a number or a port name");
  if (port.endPort !== undefined) {
    const ep = join(path, "endPort");
    if (typeof port.endPort !== "number" || !Number.isInteger(port.endPort) || port.endPort < 1 || port.endPort > 65535)
      c.add(ep, "endPort must be between 1 and 65535");
    else if (typeof p !== "number") c.add(ep, "endPort requires a numeric port");
    else if (port.endPort < p) c.add(ep, "endPort must be greater than or equal to port");
  }
}
