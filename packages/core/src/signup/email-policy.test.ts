import { describe, expect, it } from "vitest";
import { businessEmailProblem } from "./email-policy.ts";

describe("businessEmailProblem", () => {
  it("accepts a business address", () => {
    expect(businessEmailProblem("jane.doe@acme-logistics.com", [])).toBeNull();
  });
  it.each(["jane@gmail.com", "jane@yahoo.com", "jane@mailinator.com", "jane@10minutemail.com", "jane@mail.gmail.com"])(
    "refuses the free or disposable address %s",
    (email) => {
      expect(businessEmailProblem(email, [])).toMatch(/business address/);
    },
  );
  it.each(["not-an-email", "jane@", "@acme.com", "jane@acme", "jane doe@acme.com"])("refuses the malformed address %s", (email) => {
    expect(businessEmailProblem(email, [])).toBe("is not a valid email address");
  });
  it("refuses domains added by configuration", () => {
    expect(businessEmailProblem("ops@competitor.io", ["competitor.io"])).toMatch(/business address/);
    expect(businessEmailProblem("ops@competitor.io", [])).toBeNull();
  });
});
