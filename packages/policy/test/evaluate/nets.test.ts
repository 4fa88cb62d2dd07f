// A rule's single IPv4 CIDR is matched from the rule's row (network and mask); these cases pin
// the edges of that path against Calico's meaning of nets: the address must lie in the CIDR and
// be of its family.
import { describe, expect, it } from "vitest";
import { buildPolicySet, type Resource } from "../../src/index.ts";
import { gnp, namespace, pod } from "../support/cluster.ts";

const setWith = (nets: string[]) =>
  buildPolicySet([
    namespace("a"),
    pod("a/db", { app: "db" }, { ip: "10.0.0.2" }),
    gnp("default.from-nets", { selector: "app == 'db'", types: ["Ingress"], ingress: [{ action: "Allow", source: { nets } }] }),
  ] as Resource[]);
const from = (nets: string[], ip: string) => setWith(nets).evaluate({ src: { ip }, dst: { pod: "a/db" }, protocol: "TCP", port: 5432 }).action;

describe("nets of one IPv4 CIDR", () => {
  it("0.0.0.0/0 takes every IPv4 address and no IPv6 one", () => {
    expect(from(["0.0.0.0/0"], "203.0.113.9")).toBe("allow");
    expect(from(["0.0.0.0/0"], "2001:db8::1")).toBe("deny");
  });

  it("an IPv6 address never falls in an IPv4 CIDR, whatever its bits", () => {
    expect(from(["255.255.0.0/16"], "ffff:ffff::1")).toBe("deny");
    expect(from(["255.255.255.255/32"], "255.255.255.255")).toBe("allow");
  });

  it("matches by prefix, and a bare address as a /32", () => {
    expect(from(["192.168.0.0/16"], "192.168.200.1")).toBe("allow");
    expect(from(["192.168.0.0/16"], "192.169.0.1")).toBe("deny");
    expect(from(["198.51.100.7"], "198.51.100.7")).toBe("allow");
    expect(from(["198.51.100.7"], "198.51.100.8")).toBe("deny");
  });
});
