/** A selector that Calico would reject, with the column (1-based, in characters) where the problem is. */
export class SelectorSyntaxError extends Error {
  override readonly name = "SelectorSyntaxError";
  readonly column: number;
  /** What the parser expected at `column`, e.g. "a value after '=='". */
  readonly expected: string;

  /**
   * @param problem what was wrong when that says more than "expected ..." (an unterminated string,
   *   a label that is too long); the message then starts with it instead.
   */
  constructor(expected: string, column: number, problem?: string) {
    super(`${problem ?? `expected ${expected}`} at column ${column}`);
    this.expected = expected;
    this.column = column;
  }
}
