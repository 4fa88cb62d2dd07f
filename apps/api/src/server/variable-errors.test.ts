import { describe, expect, it } from "vitest";
import { fieldOfVariableError } from "./variable-errors.ts";

describe("fieldOfVariableError", () => {
  it("reads the path of an invalid value", () => {
    expect(fieldOfVariableError(`Variable "$input" got invalid value "MINIKUBE" at "input.kubernetesDistribution"; Value "MINIKUBE" does not exist in "KubernetesDistribution" enum.`)).toBe(
      "input.kubernetesDistribution",
    );
    expect(fieldOfVariableError(`Variable "$ids" got invalid value 3 at "ids[1]"; ID cannot represent value: 3`)).toBe("ids[1]");
  });
  it("names a missing field below the variable or below the path", () => {
    expect(fieldOfVariableError(`Variable "$input" got invalid value { a: "x; y" }; Field "firstName" of required type "String!" was not provided.`)).toBe("input.firstName");
    expect(fieldOfVariableError(`Variable "$input" got invalid value {} at "input.address"; Field "city" of required type "String!" was not provided.`)).toBe("input.address.city");
  });
  it("names a missing variable", () => {
    expect(fieldOfVariableError(`Variable "$input" of required type "TrialRequestInput!" was not provided.`)).toBe("input");
  });
  it("answers nothing for other messages", () => {
    expect(fieldOfVariableError(`Syntax Error: Expected Name, found <EOF>.`)).toBeUndefined();
  });
});
