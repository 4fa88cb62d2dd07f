import { describe, expect, it } from "vitest";
import { parseSelector, SelectorSyntaxError, tryParseSelector } from "./index.ts";

// Rejection table: every selector here is one libcalico-go refuses (its parser_test.go badSelectors and
// tokenizer cases, plus the rules in the Calico documentation). Each row names the column of the problem
// (1-based, in characters) and the message a user sees.
type Row = readonly [selector: string, column: number, message: string];

const EXPR = "a label, has(), all(), global(), '!' or '('";
const OPERATOR = "an operator (==, !=, in, not in, contains, starts with, ends with)";

const rejected: readonly Row[] = [
  // a value must be a quoted string on the right of the operator
  [`b == b`, 6, `expected a value after '==' at column 6`],
  [`role == `, 9, `expected a value after '==' at column 9`],
  [`b != b`, 6, `expected a value after '!=' at column 6`],
  [`b contains b`, 12, `expected a value after 'contains' at column 12`],
  [`b starts with b`, 15, `expected a value after 'starts with' at column 15`],
  [`b ends with b`, 13, `expected a value after 'ends with' at column 13`],
  [`b startswith`, 13, `expected a value after 'starts with' at column 13`],
  [`foo != ||`, 8, `expected a value after '!=' at column 8`],
  [`'b1' == b`, 1, `expected ${EXPR} at column 1`],
  // a label needs an operator
  [`b`, 2, `expected ${OPERATOR} after label 'b' at column 2`],
  [`a `, 3, `expected ${OPERATOR} after label 'a' at column 3`],
  [`a b`, 3, `expected ${OPERATOR} after label 'a' at column 3`],
  [`label squiggles "value"`, 7, `expected ${OPERATOR} after label 'label' at column 7`],
  [`label starts foo "value"`, 7, `expected ${OPERATOR} after label 'label' at column 7`],
  [`label ends foo "value"`, 7, `expected ${OPERATOR} after label 'label' at column 7`],
  [`a inside {"x"}`, 3, `expected ${OPERATOR} after label 'a' at column 3`],
  [`a !has(b)`, 3, `expected ${OPERATOR} after label 'a' at column 3`],
  [`a has(b)`, 3, `expected ${OPERATOR} after label 'a' at column 3`],
  [`has (a)`, 5, `expected ${OPERATOR} after label 'has' at column 5`],
  [`app == "x" && tier`, 19, `expected ${OPERATOR} after label 'tier' at column 19`],
  // unknown operators
  [`a = "b"`, 3, `expected '==' at column 3`],
  [`a === "b"`, 5, `expected '==' at column 5`],
  [`a < "b"`, 3, `expected ${OPERATOR} after label 'a' at column 3`],
  [`foo == "bar" &`, 14, `expected '&&' at column 14`],
  [`foo == "bar" |`, 14, `expected '||' at column 14`],
  [`foo == "bar" and bar == "x"`, 14, `expected '&&', '||' or the end of the selector at column 14`],
  // sets
  [`foo in ""`, 8, `expected '{' after 'in' at column 8`],
  [`foo not in "x"`, 12, `expected '{' after 'not in' at column 12`],
  [`foo in {"", ||`, 13, `expected a value or '}' at column 13`],
  [`foo in {"a" "b"}`, 13, `expected ',' or '}' at column 13`],
  [`foo in {,}`, 9, `expected a value or '}' at column 9`],
  [`foo in {"a",,}`, 13, `expected a value or '}' at column 13`],
  [`foo in {a}`, 9, `expected a value or '}' at column 9`],
  [`foo in {"a"`, 12, `expected ',' or '}' at column 12`],
  // unterminated strings (no escapes: a backslash does not hide the quote)
  [`"FOO`, 1, `unterminated string: no closing " for the quote at column 1`],
  [`"FOO'`, 1, `unterminated string: no closing " for the quote at column 1`],
  [`'FOO`, 1, `unterminated string: no closing ' for the quote at column 1`],
  [`a == 'it\\'s'`, 11, `expected '&&', '||' or the end of the selector at column 11`],
  [`a == "b" && c == "d`, 18, `unterminated string: no closing " for the quote at column 18`],
  // parentheses
  [`(`, 2, `expected ${EXPR} after '(' at column 2`],
  [`(a == "foo"`, 12, `expected ')' to close '(' at column 12`],
  [`((a == "foo")`, 14, `expected ')' to close '(' at column 14`],
  [`)`, 1, `expected ${EXPR} at column 1`],
  [`()`, 2, `expected ${EXPR} after '(' at column 2`],
  [`a == "b")`, 9, `unmatched ')' at column 9`],
  [`(a == "b"))`, 11, `unmatched ')' at column 11`],
  // has(), all(), global()
  [`has()`, 5, `expected a label name inside has() at column 5`],
  [`has("a")`, 5, `expected a label name inside has() at column 5`],
  [`has(a`, 6, `expected ')' to close has( at column 6`],
  [`has(a b)`, 7, `expected ')' to close has( at column 7`],
  [`all(x)`, 5, `expected ')' to close all( at column 5`],
  [`global(a)`, 8, `expected ')' to close global( at column 8`],
  [`all`, 4, `expected ${OPERATOR} after label 'all' at column 4`],
  // dangling operators and garbage
  [`!`, 2, `expected ${EXPR} after '!' at column 2`],
  [`%`, 1, `expected ${EXPR} at column 1`],
  [`a == "b" && %`, 13, `expected ${EXPR} after '&&' at column 13`],
  [`a == "b" || %`, 13, `expected ${EXPR} after '||' at column 13`],
  [`has(foo) &&`, 12, `expected ${EXPR} after '&&' at column 12`],
  [`has(foo) ||`, 12, `expected ${EXPR} after '||' at column 12`],
  [`&& has(a)`, 1, `expected ${EXPR} at column 1`],
  [`has(a) has(b)`, 8, `expected '&&', '||' or the end of the selector at column 8`],
  [`a == "x" b == "y"`, 10, `expected '&&', '||' or the end of the selector at column 10`],
  [`a == "b" && c == "d" &&`, 24, `expected ${EXPR} after '&&' at column 24`],
  // label names: [A-Za-z0-9_./-] only, at most 512 characters
  [`a:b == "c"`, 2, `expected ${OPERATOR} after label 'a' at column 2`],
  [`é == "c"`, 1, `expected ${EXPR} at column 1`],
  [`a == "é" && ü == "x"`, 13, `expected ${EXPR} after '&&' at column 13`],
  [`${"k".repeat(513)} == "v"`, 1, `label too long (513 characters, at most 512) at column 1`],
  [`has(${"k".repeat(600)})`, 5, `label too long (600 characters, at most 512) at column 5`],
  // only spaces and tabs separate tokens in Calico
  [`a == "b"\n&& c == "d"`, 9, `unexpected line break (Calico allows only spaces and tabs between tokens) at column 9`],
  [`a == "b"\r\n`, 9, `unexpected line break (Calico allows only spaces and tabs between tokens) at column 9`],
  [`a ==\u00a0"b"`, 5, `unexpected whitespace character U+00A0 (Calico allows only spaces and tabs between tokens) at column 5`],
];

describe("selector rejection conformance", () => {
  it.each(rejected)("rejects %j at column %i: %s", (selector, column, message) => {
    const result = tryParseSelector(selector);
    expect("error" in result).toBe(true);
    if (!("error" in result)) return;
    expect(result.error).toBeInstanceOf(SelectorSyntaxError);
    expect(result.error).toBeInstanceOf(Error);
    expect(result.error.column).toBe(column);
    expect(result.error.message).toBe(message);
    if (message.startsWith("expected ")) {
      expect(message).toBe(`expected ${result.error.expected} at column ${column}`);
    } else {
      expect(result.error.expected.length).toBeGreaterThan(0);
    }
    expect(() => parseSelector(selector)).toThrow(SelectorSyntaxError);
  });

  it("names what was expected separately from the message", () => {
    const result = tryParseSelector(`a == "b" && c ==`);
    expect("error" in result && result.error.expected).toBe("a value after '=='");
    expect("error" in result && result.error.column).toBe(17);
  });

  it("counts columns in characters, so text before the problem may hold any letters", () => {
    const result = tryParseSelector(`a == "日本語😀" && ?`);
    expect("error" in result && result.error.column).toBe(16);
  });

  it("reports the first problem from the left when there are several", () => {
    const result = tryParseSelector(`a == && b == "unterminated`);
    expect("error" in result && result.error.message).toBe(`expected a value after '==' at column 6`);
  });

  it("refuses parentheses nested beyond 256 levels instead of overflowing the stack", () => {
    const deep = `${"(".repeat(5000)}has(a)${")".repeat(5000)}`;
    const result = tryParseSelector(deep);
    expect("error" in result && result.error.message).toBe("selector nested too deeply at column 257");
    const fine = `${"(".repeat(256)}has(a)${")".repeat(256)}`;
    expect(parseSelector(fine).matches({ a: "x" })).toBe(true);
  });

  it("accepts what Calico accepts at the edges: a 512-character label, a trailing comma, an empty set", () => {
    expect(tryParseSelector(`${"k".repeat(512)} == "v"`)).toHaveProperty("selector");
    expect(tryParseSelector(`a in {"x", }`)).toHaveProperty("selector");
    expect(tryParseSelector(`a in {}`)).toHaveProperty("selector");
    expect(tryParseSelector(`a not in{}`)).toHaveProperty("selector");
    expect(tryParseSelector(`a==''`)).toHaveProperty("selector");
  });
});
