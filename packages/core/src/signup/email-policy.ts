import disposable from "disposable-email-domains" with { type: "json" };
import freeMail from "free-email-domains";
import validator from "validator";

const blocked = new Set<string>([...(freeMail as string[]), ...(disposable as string[])]);

/**
 * Why an address cannot sign up for a trial, or null when it can: it must be syntactically valid and
 * belong to a business, so free-mail and disposable domains (the packaged lists plus the configured
 * extras) are refused, subdomains of them included.
 */
export function businessEmailProblem(email: string, extraBlocked: readonly string[]): string | null {
  if (!validator.isEmail(email, { require_tld: true, allow_ip_domain: false, allow_utf8_local_part: false })) {
    return "is not a valid email address";
  }
  const domain = emailDomain(email);
  const labels = domain.split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = labels.slice(i).join(".");
    if (blocked.has(candidate) || extraBlocked.includes(candidate)) {
      return `must be a business address; ${domain} is a free or disposable mail domain`;
    }
  }
  return null;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
