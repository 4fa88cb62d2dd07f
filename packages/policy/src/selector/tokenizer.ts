import { SelectorSyntaxError } from "./syntax-error.ts";

export const MAX_LABEL_LENGTH = 512;

export type TokenKind =
  | "label"
  | "string"
  | "{"
  | "}"
  | ","
  | "=="
  | "!="
  | "in"
  | "not in"
  | "contains"
  | "starts with"
  | "ends with"
  | "!"
  | "has"
  | "all"
  | "global"
  | "("
  | ")"
  | "&&"
  | "||"
  | "eof"
  /** a character that starts no token here; the parser says what it expected instead */
  | "invalid";

export interface Token {
  readonly kind: TokenKind;
  /** the label name (label, has) or the unquoted value (string) */
  readonly value: string;
  /** offset of the token's first character in the source text */
  readonly start: number;
}

const PUNCTUATION: Readonly<Record<string, TokenKind>> = {
  "(": "(",
  ")": ")",
  "{": "{",
  "}": "}",
  ",": ",",
};

export function isLabelChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 46 || // .
    code === 47 || // /
    code === 45 // -
  );
}

/** 1-based column of a UTF-16 offset, counted in characters (code points) as an editor shows them. */
export function columnAt(text: string, offset: number): number {
  let column = 1;
  for (let i = 0; i < offset; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < offset) i++;
    column++;
  }
  return column;
}

/**
 * Splits a selector into tokens on demand, one at a time, so that the first problem from the left is the
 * one reported. Mirrors libcalico-go's tokenizer, including that the words `contains`, `starts with`,
 * `ends with`, `not in` and `in` are operators only right after a label (so they stay usable as label names).
 */
export class Tokenizer {
  private pos = 0;
  private lastKind: TokenKind | undefined;

  constructor(private readonly text: string) {}

  next(): Token {
    const token = this.scan();
    this.lastKind = token.kind;
    return token;
  }

  private scan(): Token {
    const text = this.text;
    this.skipSpaces();
    const start = this.pos;
    if (start >= text.length) return { kind: "eof", value: "", start };
    const c = text[start]!;

    const punctuation = PUNCTUATION[c];
    if (punctuation !== undefined) {
      this.pos++;
      return { kind: punctuation, value: "", start };
    }
    switch (c) {
      case '"':
      case "'": {
        // Calico has no escape sequences: a value runs to the next quote of the same kind.
        const close = text.indexOf(c, start + 1);
        if (close === -1) {
          throw new SelectorSyntaxError(
            `a closing ${c}`,
            columnAt(text, start),
            `unterminated string: no closing ${c} for the quote`,
          );
        }
        this.pos = close + 1;
        return { kind: "string", value: text.slice(start + 1, close), start };
      }
      case "=":
        return this.pair(start, "==", "==");
      case "&":
        return this.pair(start, "&&", "&&");
      case "|":
        return this.pair(start, "||", "||");
      case "!":
        if (text.startsWith("!=", start)) {
          this.pos += 2;
          return { kind: "!=", value: "", start };
        }
        this.pos++;
        return { kind: "!", value: "", start };
    }

    if (this.lastKind === "label") {
      const operator = this.wordOperator();
      if (operator !== undefined) return { kind: operator, value: "", start };
      return this.invalid(start);
    }
    if (text.startsWith("has(", start)) {
      this.pos += 4;
      this.skipSpaces();
      const label = this.label("a label name inside has()");
      this.skipSpaces();
      this.closeParen("has(");
      return { kind: "has", value: label, start };
    }
    if (text.startsWith("all(", start)) {
      this.pos += 4;
      this.skipSpaces();
      this.closeParen("all(");
      return { kind: "all", value: "", start };
    }
    if (text.startsWith("global(", start)) {
      this.pos += 7;
      this.skipSpaces();
      this.closeParen("global(");
      return { kind: "global", value: "", start };
    }
    if (isLabelChar(text.charCodeAt(start))) {
      return { kind: "label", value: this.label("a label"), start };
    }
    return this.invalid(start);
  }

  /** `==`, `&&` and `||`: the first character alone is no operator. */
  private pair(start: number, spelling: string, kind: TokenKind): Token {
    if (!this.text.startsWith(spelling, start)) {
      throw new SelectorSyntaxError(`'${spelling}'`, columnAt(this.text, start));
    }
    this.pos += 2;
    return { kind, value: "", start };
  }

  private invalid(start: number): Token {
    this.pos = start + 1;
    return { kind: "invalid", value: this.text[start]!, start };
  }

  /** Operators spelled as words. Two-word ones may be written with any spaces between, or none. */
  private wordOperator(): TokenKind | undefined {
    if (this.cutWords("contains")) return "contains";
    if (this.cutWords("starts", "with")) return "starts with";
    if (this.cutWords("ends", "with")) return "ends with";
    if (this.cutWords("not", "in")) return "not in";
    if (this.cutWords("in")) return "in";
    return undefined;
  }

  private cutWords(...words: string[]): boolean {
    let at = this.pos;
    for (const [i, word] of words.entries()) {
      if (!this.text.startsWith(word, at)) return false;
      at += word.length;
      if (i < words.length - 1) at = this.afterSpaces(at);
    }
    // Only a whole word counts: `a inside == "x"` is label `a` followed by garbage, not `in`.
    if (at < this.text.length && isLabelChar(this.text.charCodeAt(at))) return false;
    this.pos = at;
    return true;
  }

  private label(expected: string): string {
    const text = this.text;
    const start = this.pos;
    let end = start;
    while (end < text.length && isLabelChar(text.charCodeAt(end))) end++;
    if (end === start) throw new SelectorSyntaxError(expected, columnAt(text, start));
    if (end - start > MAX_LABEL_LENGTH) {
      throw new SelectorSyntaxError(
        `a label of at most ${MAX_LABEL_LENGTH} characters`,
        columnAt(text, start),
        `label too long (${end - start} characters, at most ${MAX_LABEL_LENGTH})`,
      );
    }
    this.pos = end;
    return text.slice(start, end);
  }

  private closeParen(opened: string): void {
    if (this.text[this.pos] !== ")") {
      throw new SelectorSyntaxError(`')' to close ${opened}`, columnAt(this.text, this.pos));
    }
    this.pos++;
  }

  private skipSpaces(): void {
    this.pos = this.afterSpaces(this.pos);
  }

  private afterSpaces(at: number): number {
    const text = this.text;
    while (at < text.length) {
      const c = text[at]!;
      if (c === " " || c === "\t") {
        at++;
        continue;
      }
      const code = c.charCodeAt(0);
      if (code > 32 && code < 127) break;
      // Calico separates tokens with spaces and tabs only; a line break (say from a YAML `|` block) is
      // rejected by calicoctl, so it is rejected here too, with a message that says so.
      if (/\s/.test(c)) {
        const codePoint = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
        const what = c === "\n" || c === "\r" ? "line break" : `whitespace character ${codePoint}`;
        throw new SelectorSyntaxError(
          "a space or a tab",
          columnAt(text, at),
          `unexpected ${what} (Calico allows only spaces and tabs between tokens)`,
        );
      }
      break;
    }
    return at;
  }
}
