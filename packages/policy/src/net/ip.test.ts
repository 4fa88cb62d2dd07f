import { describe, expect, it } from "vitest";
import { cidrContains, cidrWithin, parseAddress, parseCidr } from "./ip.ts";

describe("addresses and CIDRs", () => {
  it.each([
    ["10.0.0.1", 4],
    ["::1", 6],
    ["2001:db8::8a2e:370:7334", 6],
    ["::ffff:192.0.2.1", 6],
    ["fe80::", 6],
  ])("parses %s as IPv%i", (text, version) => {
    expect(parseAddress(text)?.version).toBe(version);
  });

  it.each(["10.0.0", "10.0.0.256", "1:2:3:4:5:6:7:8:9", "2001:db8:::1", "abc", ""])("rejects %j", (text) => {
    expect(parseAddress(text)).toBeUndefined();
  });

  it("treats a bare address as a host CIDR and rejects prefixes past the width", () => {
    expect(parseCidr("10.0.0.1")?.prefix).toBe(32);
    expect(parseCidr("fd00::1")?.prefix).toBe(128);
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("10.0.0.0/x")).toBeUndefined();
  });

  it("contains addresses by prefix, the same for IPv4 and IPv6", () => {
    expect(cidrContains(parseCidr("10.1.0.0/16")!, parseAddress("10.1.255.255")!)).toBe(true);
    expect(cidrContains(parseCidr("10.1.0.0/16")!, parseAddress("10.2.0.0")!)).toBe(false);
    expect(cidrContains(parseCidr("0.0.0.0/0")!, parseAddress("203.0.113.9")!)).toBe(true);
    expect(cidrContains(parseCidr("2001:db8::/32")!, parseAddress("2001:db8:ffff::1")!)).toBe(true);
    expect(cidrContains(parseCidr("2001:db8::/32")!, parseAddress("10.0.0.1")!)).toBe(false);
  });

  it("knows when one CIDR lies within another", () => {
    expect(cidrWithin(parseCidr("10.1.2.0/24")!, parseCidr("10.1.0.0/16")!)).toBe(true);
    expect(cidrWithin(parseCidr("10.0.0.0/8")!, parseCidr("10.1.0.0/16")!)).toBe(false);
  });
});
