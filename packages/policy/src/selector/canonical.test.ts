import { describe, expect, it } from "vitest";
import { parseSelector } from "./index.ts";

// Canonical text follows libcalico-go's Selector.String(); the expectations below are the ones in its
// parser_test.go (canonicalisationTests and the visitor cases, without the prefix).
const calicoCanonical: readonly (readonly [input: string, canonical: string])[] = [
  ["", "all()"],
  [" all() ", "all()"],
  [" (all() )", "all()"],
  [`! (has( b)||! has(a ))`, "!(has(b) || !has(a))"],
  [`! (a == "b"&&! c != "d")`, `!(a == "b" && !c != "d")`],
  [`a == "'"`, `a == "'"`],
  [`a == '"'`, `a == '"'`],
  [`a contains '"'`, `a contains '"'`],
  [`a contains "'"`, `a contains "'"`],
  [`a startswith '"'`, `a starts with '"'`],
  [`a endswith "'"`, `a ends with "'"`],
  [`a!='"'`, `a != '"'`],
  [`a in {"d"}`, `a in {"d"}`],
  [`a in {"a", "b"}`, `a in {"a", "b"}`],
  [`a in {"d", "a", "b"}`, `a in {"a", "b", "d"}`],
  [`a in {"z", "x", "y", "a"}`, `a in {"a", "x", "y", "z"}`],
  [`a in {"z", "z", "x", "y", "x", "a"}`, `a in {"a", "x", "y", "z"}`],
  [`k == 'v'`, `k == "v"`],
  [`k != 'v'`, `k != "v"`],
  [`k contains 'v'`, `k contains "v"`],
  [`k starts with 'v'`, `k starts with "v"`],
  [`k ends with 'v'`, `k ends with "v"`],
  [`k == 'v' && x == 'y'`, `(k == "v" && x == "y")`],
  [`k == 'v' || has(x)`, `(k == "v" || has(x))`],
  [`!(k == 'v')`, `!k == "v"`],
  [`k in {'v'}`, `k in {"v"}`],
  [`k not in {'v'}`, `k not in {"v"}`],
  [`!(!(k == 'v' && has(t) || all()) && (a in {'b', 'c'}))`, `!(!((k == "v" && has(t)) || all()) && a in {"b", "c"})`],
];

describe("canonical text", () => {
  it.each(calicoCanonical)("prints %j as %j, as Calico does", (input, canonical) => {
    expect(parseSelector(input).canonical).toBe(canonical);
    expect(parseSelector(canonical).canonical).toBe(canonical);
  });

  const equalGroups: readonly (readonly string[])[] = [
    [`app == "web"`, `app=='web'`, `  app   ==   "web"  `, `\tapp\t==\t'web'`, `(app == "web")`, `((app=="web"))`, `!!app == 'web'`],
    [`a not in {"x", "y"}`, `a notin {'y','x'}`, `a not  in{"x","y","x",}`, `a notin{"y", "x"}`],
    [`a in {}`, `a in { }`, `a in{}`],
    [`a starts with "p"`, `a startswith 'p'`, `a starts   with"p"`],
    [`a ends with "p"`, `a endswith 'p'`, `a ends with'p'`],
    [`has(a) && !has(b)`, `has( a )&&!has(b)`, `(has(a)) && !(has(b))`, `has(a) && !!!has(b)`],
    [`all()`, ``, `   `, `all( )`, `(all())`, `!!all()`],
    [`a == "x" || b == "y" && c == "z"`, `a=='x'||(b=='y'&&c=='z')`],
    [`!(a == "1" || b == "2")`, `! ( a=='1' || b=='2' )`, `!(!(!(a == "1" || b == "2")))`],
  ];

  it.each(equalGroups)("prints equal selectors equally: %j ...", (...variants) => {
    const canonical = parseSelector(variants[0]!).canonical;
    for (const variant of variants) expect(parseSelector(variant).canonical).toBe(canonical);
  });

  it("keeps selectors that differ apart", () => {
    const distinct = [
      `a == "x"`,
      `a != "x"`,
      `a in {"x"}`.replace("x", "y"),
      `(a == "1" || b == "2") && c == "3"`,
      `a == "1" || b == "2" && c == "3"`,
      `!a == "1" && b == "2"`,
      `!(a == "1" && b == "2")`,
    ];
    expect(new Set(distinct.map((s) => parseSelector(s).canonical)).size).toBe(distinct.length);
  });

  it("quotes a value containing a double quote with single quotes, so it reads back the same", () => {
    const selector = parseSelector(`a in {'say "hi"', "it's"}`);
    expect(selector.canonical).toBe(`a in {"it's", 'say "hi"'}`);
    expect(parseSelector(selector.canonical).matches({ a: `say "hi"` })).toBe(true);
  });

  it("orders set values by code point, as Go sorts strings", () => {
    expect(parseSelector(`a in {"b", "B", "a", "é", "😀", "ｚ", "_"}`).canonical).toBe(
      `a in {"B", "_", "a", "b", "é", "ｚ", "😀"}`,
    );
  });

  it("keeps the operand order of && and || (they are not reordered)", () => {
    expect(parseSelector("has(b) && has(a)").canonical).toBe("(has(b) && has(a))");
  });
});
