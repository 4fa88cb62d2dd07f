// Egress domain names (`destination.domains`). A `*` stands for one whole label position and
// matches one or more labels there: `*.example.com` matches `a.example.com` and
// `a.b.example.com` but not `example.com`. Names compare case-insensitively.

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An error message for an invalid domain pattern, or undefined when it is valid. */
export function domainPatternError(d: string): string | undefined {
  if (d.length === 0 || d.length > 253) return `'${d}' is not a valid domain name`;
  const labels = d.toLowerCase().split(".");
  let stars = 0;
  for (const [i, l] of labels.entries()) {
    if (l === "*") {
      stars++;
      if (i === labels.length - 1) return `'${d}': '*' may not stand for the last label`;
      continue;
    }
    if (l.includes("*")) return `'${d}': '*' must stand for a whole label`;
    if (l.length > 63 || !LABEL.test(l)) return `'${d}' is not a valid domain name`;
  }
  if (stars > 1) return `'${d}': at most one '*' is allowed`;
  return undefined;
}

export type DomainMatcher = (name: string) => boolean;

export function compileDomainPattern(pattern: string): DomainMatcher {
  const p = pattern.toLowerCase();
  if (!p.includes("*")) return (name) => name.toLowerCase().replace(/\.$/, "") === p;
  const [before, after] = p.split("*") as [string, string];
  const re = new RegExp(`^${escape(before)}[a-z0-9-]+(\\.[a-z0-9-]+)*${escape(after)}$`);
  return (name) => re.test(name.toLowerCase().replace(/\.$/, ""));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
