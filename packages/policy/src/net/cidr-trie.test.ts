import { describe, expect, it } from "vitest";
import { CidrTrie } from "./cidr-trie.ts";
import { parseAddress, parseCidr } from "./ip.ts";

describe("CidrTrie", () => {
  const trie = new CidrTrie<string>();
  for (const [cidr, v] of [["0.0.0.0/0", "any"], ["10.0.0.0/8", "ten"], ["10.1.0.0/16", "ten-one"], ["10.1.2.3", "host"], ["2001:db8::/32", "doc6"], ["10.0.0.0/8", "ten"]] as const)
    trie.insert(parseCidr(cidr)!, v);
  const at = (ip: string) => trie.containing(parseAddress(ip)!);

  it("finds every CIDR containing an address, shortest first and without repeats", () => {
    expect(at("10.1.2.3")).toEqual(["any", "ten", "ten-one", "host"]);
    expect(at("10.1.2.4")).toEqual(["any", "ten", "ten-one"]);
    expect(at("192.0.2.1")).toEqual(["any"]);
  });

  it("keeps IPv4 and IPv6 apart", () => {
    expect(at("2001:db8::1")).toEqual(["doc6"]);
    expect(at("2001:db9::1")).toEqual([]);
  });
});
