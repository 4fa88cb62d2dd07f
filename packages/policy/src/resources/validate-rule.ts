import { domainPatternError } from "../net/domains.ts";
import { parseCidr } from "../net/ip.ts";
import { parsePort } from "../net/ports.ts";
import { hasPorts, isIcmp, protocolNumber } from "../net/protocols.ts";
import { join, type Checker } from "./checker.ts";

const RULE_FIELDS = ["action", "protocol", "notProtocol", "icmp", "notICMP", "ipVersion", "source", "destination", "http", "metadata"];
const ENTITY_FIELDS = ["nets", "notNets", "selector", "notSelector", "namespaceSelector", "ports", "notPorts", "serviceAccounts", "services", "domains"];

/** Validates one Calico rule the way Calico's validator does, collecting every error. */
export function validateRule(c: Checker, rule: unknown, path: string, direction: "ingress" | "egress"): void {
  if (!c.isObject(rule, path)) return;
  c.knownFields(rule, RULE_FIELDS, path);
  if (rule.action === undefined) c.add(join(path, "action"), "action is required");
  else c.oneOf(rule.action, ["Allow", "Deny", "Log", "Pass"] as const, join(path, "action"));

  const proto = checkProtocol(c, rule.protocol, join(path, "protocol"));
  checkProtocol(c, rule.notProtocol, join(path, "notProtocol"));

  for (const field of ["icmp", "notICMP"] as const) {
    const icmp = rule[field];
    if (icmp === undefined) continue;
    const p = join(path, field);
    if (proto === undefined || !isIcmp(proto)) c.add(p, `${field} requires protocol ICMP or ICMPv6`);
    if (!c.isObject(icmp, p)) continue;
    c.knownFields(icmp, ["type", "code"], p);
    if (icmp.type !== undefined && (!Number.isInteger(icmp.type) || (icmp.type as number) < 0 || (icmp.type as number) > 254))
      c.add(join(p, "type"), "ICMP type must be an integer between 0 and 254");
    if (icmp.code !== undefined) {
      if (icmp.type === undefined) c.add(join(p, "code"), "ICMP code requires a type");
      if (!Number.isInteger(icmp.code) || (icmp.code as number) < 0 || (icmp.code as number) > 255)
        c.add(join(p, "code"), "ICMP code must be an integer between 0 and 255");
    }
  }

  let ipVersion: 4 | 6 | undefined;
  if (rule.ipVersion !== undefined) {
    if (rule.ipVersion === 4 || rule.ipVersion === 6) ipVersion = rule.ipVersion;
    else c.add(join(path, "ipVersion"), "ipVersion must be 4 or 6");
  }
  const versions = new Set<number>();
  for (const side of ["source", "destination"] as const) {
    const e = rule[side];
    if (e === undefined) continue;
    validateEntity(c, e, join(path, side), { proto, side, direction, action: rule.action, versions });
  }
  if (versions.size > 1) c.add(path, "rule mixes IPv4 and IPv6 nets");
  else if (ipVersion !== undefined && versions.size === 1 && !versions.has(ipVersion))
    c.add(join(path, "ipVersion"), `ipVersion ${ipVersion} does not match the rule's nets`);
}

function checkProtocol(c: Checker, p: unknown, path: string): number | undefined {
  if (p === undefined) return undefined;
  const n = typeof p === "string" || typeof p === "number" ? protocolNumber(p) : undefined;
  if (n === undefined) c.add(path, `${JSON.stringify(p)} is not a protocol: use TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1-255`);
  return n;
}

interface EntityContext {
  proto: number | undefined;
  side: "source" | "destination";
  direction: "ingress" | "egress";
  action: unknown;
  versions: Set<number>;
}

function validateEntity(c: Checker, e: unknown, path: string, ctx: EntityContext): void {
  if (!c.isObject(e, path)) return;
  c.knownFields(e, ENTITY_FIELDS, path);
  for (const f of ["nets", "notNets"] as const) {
    const nets = e[f];
    if (nets === undefined || !c.isArray(nets, join(path, f))) continue;
    nets.forEach((n, i) => {
      const p = join(join(path, f), i);
      const cidr = typeof n === "string" ? parseCidr(n) : undefined;
      if (!cidr) c.add(p, `${JSON.stringify(n)} is not a valid CIDR`);
      else ctx.versions.add(cidr.version);
    });
  }
  for (const f of ["selector", "notSelector"] as const) if (e[f] !== undefined) c.selector(e[f], join(path, f));
  if (e.namespaceSelector !== undefined) c.selector(e.namespaceSelector, join(path, "namespaceSelector"), true);
  for (const f of ["ports", "notPorts"] as const) {
    const ports = e[f];
    if (ports === undefined || !c.isArray(ports, join(path, f))) continue;
    if (ctx.proto === undefined || !hasPorts(ctx.proto))
      c.add(join(path, f), `${f} requires protocol TCP, UDP, SCTP or UDPLite`);
    ports.forEach((p, i) => {
      const r = parsePort(p);
      if (typeof r === "string") c.add(join(join(path, f), i), r);
    });
  }
  const sa = e.serviceAccounts;
  if (sa !== undefined && c.isObject(sa, join(path, "serviceAccounts"))) {
    const p = join(path, "serviceAccounts");
    c.knownFields(sa, ["names", "selector"], p);
    if (sa.names !== undefined && c.isArray(sa.names, join(p, "names")))
      sa.names.forEach((n, i) => c.isString(n, join(join(p, "names"), i)));
    if (sa.selector !== undefined) c.selector(sa.selector, join(p, "selector"));
  }
  if (e.services !== undefined && c.isObject(e.services, join(path, "services"))) {
    const s = e.services;
    if (typeof s.name !== "string" || s.name === "") c.add(join(join(path, "services"), "name"), "service name is required");
    if (e.selector !== undefined || e.nets !== undefined || e.namespaceSelector !== undefined || e.serviceAccounts !== undefined)
      c.add(join(path, "services"), "services cannot be combined with selectors, nets or service accounts");
  }
  if (e.domains !== undefined && c.isArray(e.domains, join(path, "domains"))) {
    const p = join(path, "domains");
    if (ctx.side !== "destination" || ctx.direction !== "egress") c.add(p, "domains are allowed only in an egress rule's destination");
    else if (ctx.action !== "Allow") c.add(p, "domains are allowed only in Allow rules");
    if (e.nets !== undefined || e.selector !== undefined || e.notNets !== undefined || e.notSelector !== undefined)
      c.add(p, "domains cannot be combined with nets or selectors");
    e.domains.forEach((d, i) => {
      if (!c.isString(d, join(p, i))) return;
      const err = domainPatternError(d);
      if (err) c.add(join(p, i), err);
    });
  }
}
