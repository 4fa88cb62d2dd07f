/** `--flag value` options and positional arguments; a flag may take several values up to the next flag. */
export interface Args {
  positional: string[];
  options: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const a of argv) {
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      current = options.get(name) ?? [];
      options.set(name, current);
      if (eq > 0) {
        current.push(a.slice(eq + 1));
        current = undefined;
      }
    } else if (current) current.push(a);
    else positional.push(a);
  }
  return { positional, options };
}
