import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load.ts";

describe("loadConfig", () => {
  it("works with no variable set, using the documented defaults", () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect(c.host).toBe("127.0.0.1");
    expect(c.trialDays).toBe(14);
    expect(c.registrationTokenTtlHours).toBe(24);
    expect(c.mail.dir.endsWith("/.palisade/mail")).toBe(true);
    expect(Object.isFrozen(c.database)).toBe(true);
  });

  it("reports every bad variable at once, naming each", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "99999", TRIAL_DAYS: "zero", REDIS_URL: "http://x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/PORT=/);
    expect(problems.join("\n")).toMatch(/TRIAL_DAYS=/);
    expect(problems.join("\n")).toMatch(/REDIS_URL=/);
  });

  it("never prints the value of a secret in its errors", () => {
    try {
      loadConfig({ DATABASE_URL: "mysql://admin:hunter2@db" });
      expect.unreachable();
    } catch (e) {
      expect(String(e)).not.toContain("hunter2");
      expect(String(e)).toContain("DATABASE_URL=(value hidden)");
    }
  });

  it("splits the extra blocked email domains", () => {
    expect(loadConfig({ EXTRA_BLOCKED_EMAIL_DOMAINS: " Example.org, ,foo.io" }).extraBlockedEmailDomains).toEqual(["example.org", "foo.io"]);
  });
});

describe("the README's configuration table", () => {
  it("is exactly the table the schema prints (npm run config:doc), so the two cannot drift apart", async () => {
    const { readFile } = await import("node:fs/promises");
    const { describeConfig } = await import("./load.ts");
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(describeConfig());
  });
});
