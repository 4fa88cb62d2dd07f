import { negate, toSortedSet } from "./ast.ts";
import type { SelectorNode, SetOperator, ValueOperator } from "./ast.ts";
import { SelectorSyntaxError } from "./syntax-error.ts";
import { Tokenizer, columnAt } from "./tokenizer.ts";
import type { Token, TokenKind } from "./tokenizer.ts";

/** Parentheses nested deeper than this are refused so a hostile selector cannot exhaust the stack. */
export const MAX_NESTING = 256;

const ALL: SelectorNode = { kind: "all" };
const VALUE_OPERATORS: ReadonlySet<TokenKind> = new Set<ValueOperator>([
  "==",
  "!=",
  "contains",
  "starts with",
  "ends with",
]);
const SET_OPERATORS: ReadonlySet<TokenKind> = new Set<SetOperator>(["in", "not in"]);
const OPERATOR_LIST = "==, !=, in, not in, contains, starts with, ends with";

/**
 * Parses Calico selector syntax into a tree; throws SelectorSyntaxError at the first problem from the left.
 * Grammar (libcalico-go lib/selector/parser): or := and ('||' and)*; and := op ('&&' op)*;
 * op := '!'* (has(k) | all() | global() | k OPERATOR value | k (in|not in) '{' values '}' | '(' or ')').
 */
export function parseSelectorTree(text: string): SelectorNode {
  return new Parser(text).parseRoot();
}

class Parser {
  private readonly tokens: Tokenizer;
  private token: Token;
  private depth = 0;

  constructor(private readonly text: string) {
    this.tokens = new Tokenizer(text);
    this.token = this.tokens.next();
  }

  parseRoot(): SelectorNode {
    // An empty or blank selector selects everything, like all().
    if (this.at("eof")) return ALL;
    const node = this.parseOr("");
    if (!this.at("eof")) {
      const expected = "'&&', '||' or the end of the selector";
      throw this.error(expected, this.at(")") ? "unmatched ')'" : undefined);
    }
    return node;
  }

  /** Reads the current token's kind through a call, so TypeScript does not narrow it across advance(). */
  private at(kind: TokenKind): boolean {
    return this.token.kind === kind;
  }

  private advance(): void {
    this.token = this.tokens.next();
  }

  private error(expected: string, problem?: string): SelectorSyntaxError {
    return new SelectorSyntaxError(expected, columnAt(this.text, this.token.start), problem);
  }

  private parseOr(context: string): SelectorNode {
    const operands = [this.parseAnd(context)];
    while (this.at("||")) {
      this.advance();
      operands.push(this.parseAnd("||"));
    }
    return operands.length === 1 ? operands[0]! : { kind: "or", operands };
  }

  private parseAnd(context: string): SelectorNode {
    const operands = [this.parseOperation(context)];
    while (this.at("&&")) {
      this.advance();
      operands.push(this.parseOperation("&&"));
    }
    return operands.length === 1 ? operands[0]! : { kind: "and", operands };
  }

  /** One operation, or a parenthesised expression, with any `!`s before it (which bind to it alone). */
  private parseOperation(context: string): SelectorNode {
    let negated = false;
    while (this.at("!")) {
      negated = !negated;
      context = "!";
      this.advance();
    }
    const node = this.parseOperand(context);
    return negated ? negate(node) : node;
  }

  private parseOperand(context: string): SelectorNode {
    const token = this.token;
    switch (token.kind) {
      case "has":
        this.advance();
        return { kind: "has", key: token.value };
      case "all":
        this.advance();
        return ALL;
      case "global":
        this.advance();
        return { kind: "global" };
      case "label":
        this.advance();
        return this.parseComparison(token.value);
      case "(": {
        if (++this.depth > MAX_NESTING) {
          throw this.error(`at most ${MAX_NESTING} nested parentheses`, "selector nested too deeply");
        }
        this.advance();
        const inner = this.parseOr("(");
        if (!this.at(")")) throw this.error("')' to close '('");
        this.depth--;
        this.advance();
        return inner;
      }
      default: {
        const after = context === "" ? "" : ` after '${context}'`;
        throw this.error(`a label, has(), all(), global(), '!' or '('${after}`);
      }
    }
  }

  private parseComparison(key: string): SelectorNode {
    const operator = this.token.kind;
    if (VALUE_OPERATORS.has(operator)) {
      this.advance();
      if (!this.at("string")) throw this.error(`a value after '${operator}'`);
      const value = this.token.value;
      this.advance();
      return { kind: operator as ValueOperator, key, value };
    }
    if (SET_OPERATORS.has(operator)) {
      this.advance();
      return { kind: operator as SetOperator, key, values: this.parseSet(operator) };
    }
    const shown = key.length > 40 ? `${key.slice(0, 40)}...` : key;
    throw this.error(`an operator (${OPERATOR_LIST}) after label '${shown}'`);
  }

  /** `{"a", 'b'}`; empty is allowed, and so is a trailing comma, as in Calico. */
  private parseSet(operator: TokenKind): string[] {
    if (!this.at("{")) throw this.error(`'{' after '${operator}'`);
    this.advance();
    const values: string[] = [];
    let expectingValue = true;
    while (this.at("string")) {
      values.push(this.token.value);
      this.advance();
      expectingValue = this.at(",");
      if (!expectingValue) break;
      this.advance();
    }
    if (!this.at("}")) {
      throw this.error(expectingValue ? "a value or '}'" : "',' or '}'");
    }
    this.advance();
    return toSortedSet(values);
  }
}
