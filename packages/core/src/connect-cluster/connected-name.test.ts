import { describe, expect, it } from "vitest";
import { connectedClusterName } from "./connected-name.ts";

describe("connectedClusterName", () => {
  it("names an EKS cluster by its host without the shard label, as the seed's installer printed it", () => {
    expect(connectedClusterName("https://XXXXXXXX.gr7.us-west-2.eks.amazonaws.com", "eks")).toBe("xxxxxxxx-us-west-2-eks-amazonaws-com");
  });

  it("joins the labels of any other host with '-'", () => {
    expect(connectedClusterName("https://api.prod.example.com:6443", "eks")).toBe("api-prod-example-com");
  });

  it.each(["https://127.0.0.1:6443", "https://[::1]:6443", "https://localhost:6443", "https://kubernetes.default.svc", "", "not a url", null])(
    "uses Palisade's name when the host %j says nothing",
    (server) => {
      expect(connectedClusterName(server, "prod-eu-1")).toBe("prod-eu-1");
    },
  );

  it("never gives more than 63 characters", () => {
    expect(connectedClusterName(`https://${"a".repeat(40)}.${"b".repeat(40)}.example.com`, "x").length).toBeLessThanOrEqual(63);
  });
});
