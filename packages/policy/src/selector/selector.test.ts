import { describe, expect, it } from "vitest";
import { parseSelector } from "./index.ts";
import type { Labels } from "./index.ts";

// Conformance table: (selector, labels, expected). Written from the Calico selector documentation and the
// cases in libcalico-go's parser_test.go, not from this implementation's output.
type Row = readonly [selector: string, labels: Labels, expected: boolean];

const NS = "projectcalico.org/namespace";
const LONG_KEY = `example.com/${"k".repeat(500)}`; // 512 characters, Calico's maximum

const table: readonly Row[] = [
  // == : the label must be present with exactly that value
  [`a == "b"`, { a: "b" }, true],
  [`a == "b"`, { a: "b", c: "d" }, true],
  [`a == "b"`, {}, false],
  [`a == "b"`, { a: "c" }, false],
  [`a == "b"`, { c: "d" }, false],
  [`a == "b"`, { a: "B" }, false],
  [`a == ""`, { a: "" }, true],
  [`a == ""`, {}, false],
  // != : true when the label is absent
  [`a != "b"`, { a: "a" }, true],
  [`a != "a"`, {}, true],
  [`a != "a"`, { a: "a" }, false],
  [`a != 'a'`, { a: "a" }, false],
  // in / not in / notin
  [`a in {"a"}`, { a: "a" }, true],
  [`a in {"a"}`, { a: "b" }, false],
  [`a in {"a", "b"}`, { a: "b" }, true],
  [`a in {"a", "b"}`, { a: "c" }, false],
  [`a in {"a", "b"}`, {}, false],
  [`a in {"'", '"', "c"}`, { a: "c" }, true],
  [`a in {"'", '"', "c"}`, { a: `"` }, true],
  [`a in {"'", '"', "c"}`, { a: `'` }, true],
  [`a in {"'", '"', "c"}`, { a: "e" }, false],
  [`a in {"v1", "v2", "v3", "v4", "v5", "v6"}`, { a: "v5" }, true],
  [`a in {"v1", "v2", "v3", "v4", "v5", "v6"}`, { a: "v7" }, false],
  [`a in {"v1", "v2", "v3", "v4", "v5", "v6"}`, {}, false],
  [`a in {}`, { a: "" }, false],
  [`a in {}`, {}, false],
  [`a in {"x",}`, { a: "x" }, true],
  [`a not in {"'", '"', "c"}`, {}, true],
  [`a not in {"'", '"', "c"}`, { a: "e" }, true],
  [`a not in {"'", '"', "c"}`, { a: "c" }, false],
  [`a not in {"'", '"', "c"}`, { a: `"` }, false],
  [`a not in {"d", "e"}`, { a: "a" }, true],
  [`a notin {"d", "e"}`, { a: "d" }, false],
  [`a notin {"d", "e"}`, {}, true],
  [`a not   in {"d"}`, { a: "d" }, false],
  [`a not in {"v1", "v2", "v3", "v4", "v5"}`, { a: "v3" }, false],
  [`a not in {"v1", "v2", "v3", "v4", "v5"}`, { a: "v9" }, true],
  [`a not in {"v1", "v2", "v3", "v4", "v5"}`, {}, true],
  [`a not in {}`, {}, true],
  [`a not in {}`, { a: "x" }, true],
  [`!a in {"a"}`, { a: "b" }, true],
  [`!a in {"a"}`, { a: "a" }, false],
  // has
  [`has(a)`, { a: "b" }, true],
  [`has(a)`, { a: "" }, true],
  [`has(b)`, { a: "b" }, false],
  [`has( a )`, { a: "b" }, true],
  [`!has(a)`, { b: "b" }, true],
  [`!has(a)`, { a: "b" }, false],
  [`! has(a)`, { a: "b" }, false],
  // contains / starts with / ends with: false when the label is absent
  [`a contains "a"`, { a: "a" }, true],
  [`a contains "a"`, { a: "bab" }, true],
  [`a contains "a"`, { a: "aaa", b: "c" }, true],
  [`a contains "a"`, {}, false],
  [`a contains "a"`, { a: "b" }, false],
  [`a contains "a"`, { b: "aaa" }, false],
  [`a contains ""`, { a: "x" }, true],
  [`a contains ""`, {}, false],
  [`a contains"a"`, { a: "xa" }, true],
  [`a starts with "a"`, { a: "a" }, true],
  [`a starts with "a"`, { a: "abb" }, true],
  [`a starts with "a"`, {}, false],
  [`a starts with "a"`, { a: "b" }, false],
  [`a starts with "a"`, { a: "baa" }, false],
  [`a starts with "a"`, { b: "aaa" }, false],
  [`a startswith "ab"`, { a: "abc" }, true],
  [`a startswith "ab"`, { a: "cab" }, false],
  [`a starts  with "ab"`, { a: "abc" }, true],
  [`a ends with "a"`, { a: "a" }, true],
  [`a ends with "a"`, { a: "bba" }, true],
  [`a ends with "a"`, {}, false],
  [`a ends with "a"`, { a: "aab" }, false],
  [`a ends with "a"`, { b: "aaa" }, false],
  [`a endswith "bc"`, { a: "abc" }, true],
  [`a endswith "bc"`, { a: "bca" }, false],
  [`!a contains "x"`, {}, true],
  [`!a starts with "x"`, {}, true],
  // all(), empty selector; global() is true when the namespace label is absent (global resources)
  [``, {}, true],
  [` `, {}, true],
  [`\t `, { a: "b" }, true],
  [``, { a: "b" }, true],
  [`all()`, {}, true],
  [` all()`, { a: "b" }, true],
  [`all( )`, { a: "b" }, true],
  [`!all()`, { a: "b" }, false],
  [`global()`, {}, true],
  [` global()`, { a: "b" }, true],
  [`global()`, { [NS]: "default" }, false],
  [`!global()`, { [NS]: "default" }, true],
  [`global() && role == "db"`, { role: "db" }, true],
  [`global() && role == "db"`, { role: "db", [NS]: "prod" }, false],
  // ! binds to one operation; repeated ! cancel out
  [`!!has(b)`, { a: "b" }, false],
  [`!!has(a)`, { a: "b" }, true],
  [`!!! has(a)`, { a: "b" }, false],
  [`!!!has(a)`, { a: "b" }, false],
  [`!! ! has(a)`, { a: "b" }, false],
  [`! !!has(a)`, { a: "b" }, false],
  [`!a == "a1" && b == "b1"`, { a: "a1", b: "b1" }, false],
  [`!a == "a1" && b == "b1"`, { a: "a2", b: "b1" }, true],
  [`!a == "a1" && b == "b1"`, { b: "b1" }, true],
  [`a != 'a1' && !b == 'b1'`, { a: "a1", b: "b1" }, false],
  [`! a == 'a1' || ! b == 'b1'`, { a: "a1", b: "b1" }, false],
  [`! a == 'a1' || ! b == 'b1'`, { a: "a1" }, true],
  [`!(a == "x" || b == "y")`, { a: "x" }, false],
  [`!(a == "x" || b == "y")`, { a: "z", b: "z" }, true],
  [`!(!has(a) || has(b))`, { a: "a" }, true],
  [`!(has(b) || !has(a))`, { a: "a" }, true],
  [`!(has(b) || !has(a))`, { a: "a", b: "b" }, false],
  [`!(!has(a))`, { a: "a" }, true],
  // && and ||
  [`a == "b" && c == "d"`, { a: "b", c: "d" }, true],
  [`a == "b" && c == "d"`, {}, false],
  [`a == "b" && c == "d"`, { a: "b", c: "e" }, false],
  [`a == "b" && c == "d"`, { a: "c", c: "d" }, false],
  [`a == "b" && c == "d"`, { a: "b" }, false],
  [`a == "b" || c == "d"`, { a: "b", c: "d" }, true],
  [`a == "b" || c == "d"`, { a: "b" }, true],
  [`a == "b" || c == "d"`, { c: "d" }, true],
  [`a == "b" || c == "d"`, {}, false],
  [`a == "b" || c == "d"`, { a: "e", c: "e" }, false],
  [`a == 'a1' && b != 'b1'`, { a: "a1", b: "b1" }, false],
  [`a != 'a1' && b == 'b1'`, { a: "a1", b: "b1" }, false],
  [`a != 'a1' || b == 'b1'`, { a: "a1", b: "b1" }, true],
  [`a != 'a1' || b != 'b1'`, { a: "a1", b: "b1" }, false],
  [`has(a) && !has(b)`, { a: "a" }, true],
  [`!has(b) && has(a)`, { a: "a" }, true],
  [`has(a) && has(b) && has(c) && has(d)`, { a: "1", b: "1", c: "1", d: "1" }, true],
  [`has(a) && has(b) && has(c) && has(d)`, { a: "1", b: "1", c: "1" }, false],
  [`has(a) || has(b) || has(c) || has(d)`, { d: "1" }, true],
  [`has(a) || has(b) || has(c) || has(d)`, { e: "1" }, false],
  // && binds tighter than ||; parentheses override
  [`a == "1" || b == "1" && c == "1"`, { a: "1" }, true],
  [`a == "1" || b == "1" && c == "1"`, { b: "1" }, false],
  [`a == "1" || b == "1" && c == "1"`, { b: "1", c: "1" }, true],
  [`b == "1" && c == "1" || a == "1"`, { a: "1" }, true],
  [`(a == "1" || b == "1") && c == "1"`, { a: "1" }, false],
  [`(a == "1" || b == "1") && c == "1"`, { a: "1", c: "1" }, true],
  [`((a == "1"))`, { a: "1" }, true],
  [`( a == "1" )&&(b=="2")`, { a: "1", b: "2" }, true],
  // quotes: either kind; the other kind may appear inside; no escapes
  [`a == 'b'`, { a: "b" }, true],
  [`a == "it's"`, { a: "it's" }, true],
  [`a == 'say "hi"'`, { a: `say "hi"` }, true],
  [`a == "back\\slash"`, { a: "back\\slash" }, true],
  [`a == 'it\\'`, { a: "it\\" }, true],
  [`a == "x y"`, { a: "x y" }, true],
  [`a == "é"`, { a: "é" }, true],
  // spacing is free (spaces and tabs)
  [`a=="b"&&c!='d'`, { a: "b", c: "x" }, true],
  [`\ta\t==\t"b"\t`, { a: "b" }, true],
  [`a notin{"bar"}&&!has(foo)||b in{"c"}`, { b: "c", foo: "x" }, true],
  [`a notin{"bar"}&&!has(foo)||b in{"c"}`, { a: "x" }, true],
  [`a notin{"bar"}&&!has(foo)||b in{"c"}`, { a: "bar" }, false],
  // label keys: [A-Za-z0-9_./-], up to 512 characters; operator words are ordinary label names
  [`calico/k8s_ns == "kube-system" && k8s-app == "kube-dns"`, { "calico/k8s_ns": "kube-system", "k8s-app": "kube-dns" }, true],
  [`has(calico/k8s_NS-.1/role)`, { "calico/k8s_NS-.1/role": "x" }, true],
  [`app.kubernetes.io/name in {"web"}`, { "app.kubernetes.io/name": "web" }, true],
  [`contains contains "contains"`, { contains: "xcontainsx" }, true],
  [`startswith starts with "value"`, { startswith: "values" }, true],
  [`in in {"in"}`, { in: "in" }, true],
  [`has == "x"`, { has: "x" }, true],
  [`all == "x" || global == "y"`, { global: "y" }, true],
  [`${LONG_KEY} == "v"`, { [LONG_KEY]: "v" }, true],
  [`has(${LONG_KEY})`, { [LONG_KEY]: "" }, true],
  [`has(${LONG_KEY})`, { [LONG_KEY.slice(1)]: "" }, false],
  // label names that collide with Object.prototype members are ordinary labels
  [`has(constructor)`, {}, false],
  [`has(toString)`, {}, false],
  [`has(__proto__)`, {}, false],
  [`constructor != "x"`, {}, true],
  [`constructor not in {"a", "b", "c", "d"}`, {}, true],
  [`__proto__ contains ""`, {}, false],
  [`has(constructor)`, { constructor: "x" }, true],
  [`constructor == "x"`, { constructor: "x" }, true],
  [`__proto__ == "x"`, JSON.parse(`{"__proto__": "x"}`) as Labels, true],
];

describe("selector matching conformance", () => {
  it.each(table)("%s on %j is %s", (selector, labels, expected) => {
    const compiled = parseSelector(selector);
    expect(compiled.matches(labels)).toBe(expected);
    // The canonical text is an equal selector: it must decide every row the same way.
    expect(parseSelector(compiled.canonical).matches(labels)).toBe(expected);
  });
});

describe("selector properties", () => {
  it("reports all() and the empty selector as isAll, and nothing else", () => {
    expect(parseSelector("").isAll).toBe(true);
    expect(parseSelector("   ").isAll).toBe(true);
    expect(parseSelector("all()").isAll).toBe(true);
    expect(parseSelector(" ( all() ) ").isAll).toBe(true);
    expect(parseSelector("!!all()").isAll).toBe(true);
    expect(parseSelector("!all()").isAll).toBe(false);
    expect(parseSelector("all() && has(a)").isAll).toBe(false);
    expect(parseSelector("has(a)").isAll).toBe(false);
  });

  it("reports usesGlobal wherever global() appears", () => {
    expect(parseSelector("global()").usesGlobal).toBe(true);
    expect(parseSelector("has(a) || !(b == 'c' && global())").usesGlobal).toBe(true);
    expect(parseSelector("all()").usesGlobal).toBe(false);
    expect(parseSelector("global == 'x'").usesGlobal).toBe(false);
  });

  it("lists each label key the selector reads once, sorted", () => {
    expect(parseSelector(`role in {"a"} && (app == "x" || !has(app)) && tier contains "f"`).keys).toEqual([
      "app",
      "role",
      "tier",
    ]);
    expect(parseSelector("all()").keys).toEqual([]);
    expect(parseSelector("global() && has(a)").keys).toEqual(["a", NS]);
  });

  it("cannot be changed by its users", () => {
    const selector = parseSelector("has(a) && has(b)");
    expect(Object.isFrozen(selector)).toBe(true);
    expect(Object.isFrozen(selector.keys)).toBe(true);
  });

  it("prints its canonical text as a string", () => {
    expect(`${parseSelector("a=='b'")}`).toBe(`a == "b"`);
  });
});
