import type { ScenarioName } from "../scenarios/catalog.ts";

/** One end of a scenario connection: the first running pod matching labels, or an address outside the cluster. */
export type EndpointRef = { namespace: string; labels: Record<string, string> } | { ip: string; domains?: string[] };

export interface Connection {
  id: string;
  src: EndpointRef;
  dst: EndpointRef;
  protocol: "TCP" | "UDP";
  port: number;
}

const pod = (namespace: string, labels: Record<string, string>): EndpointRef => ({ namespace, labels });

const MGMT = pod("management-ui", { role: "management-ui" });
const FE = pod("stars", { role: "frontend" });
const BE = pod("stars", { role: "backend" });
const CL = pod("client", { role: "client" });

/** The Stars demo's connections 1-11 (../scenarios/stars README table). */
export const STARS: Connection[] = [
  { id: "1", src: MGMT, dst: FE, protocol: "TCP", port: 80 },
  { id: "2", src: MGMT, dst: BE, protocol: "TCP", port: 6379 },
  { id: "3", src: MGMT, dst: CL, protocol: "TCP", port: 9000 },
  { id: "4", src: FE, dst: FE, protocol: "TCP", port: 80 },
  { id: "5", src: FE, dst: BE, protocol: "TCP", port: 6379 },
  { id: "6", src: FE, dst: CL, protocol: "TCP", port: 9000 },
  { id: "7", src: BE, dst: FE, protocol: "TCP", port: 80 },
  { id: "8", src: BE, dst: BE, protocol: "TCP", port: 6379 },
  { id: "9", src: BE, dst: CL, protocol: "TCP", port: 9000 },
  { id: "10", src: CL, dst: FE, protocol: "TCP", port: 80 },
  { id: "11", src: CL, dst: BE, protocol: "TCP", port: 6379 },
];

const sf = (app: string) => pod("storefront", { app });
const F = sf("frontend");
const M1 = sf("microservice1");
const M2 = sf("microservice2");
const B = sf("backend");
const L = sf("logging");
const R = sf("rogue");
const D = pod("kube-system", { "k8s-app": "kube-dns" });
const P: EndpointRef = { ip: "203.0.113.10" };
const T: EndpointRef = { ip: "54.172.60.1", domains: ["api.twilio.com"] };
const X: EndpointRef = { ip: "198.51.100.23" };
const V: EndpointRef = { ip: "10.0.50.10" };

/** The storefront labs' flows S1-S13 and, while the rogue pod exists, R1-R6 (../scenarios/storefront README). */
export const STOREFRONT: Connection[] = [
  { id: "S1", src: P, dst: F, protocol: "TCP", port: 80 },
  { id: "S2", src: F, dst: M1, protocol: "TCP", port: 8080 },
  { id: "S3", src: F, dst: M2, protocol: "TCP", port: 8080 },
  { id: "S4", src: M1, dst: B, protocol: "TCP", port: 5432 },
  { id: "S5", src: M2, dst: B, protocol: "TCP", port: 5432 },
  { id: "S6", src: F, dst: L, protocol: "TCP", port: 24224 },
  { id: "S7", src: M1, dst: L, protocol: "TCP", port: 24224 },
  { id: "S8", src: M2, dst: L, protocol: "TCP", port: 24224 },
  { id: "S9", src: B, dst: L, protocol: "TCP", port: 24224 },
  { id: "S10", src: M2, dst: T, protocol: "TCP", port: 443 },
  { id: "S11-frontend", src: F, dst: D, protocol: "UDP", port: 53 },
  { id: "S11-microservice1", src: M1, dst: D, protocol: "UDP", port: 53 },
  { id: "S11-microservice2", src: M2, dst: D, protocol: "UDP", port: 53 },
  { id: "S11-backend", src: B, dst: D, protocol: "UDP", port: 53 },
  { id: "S11-logging", src: L, dst: D, protocol: "UDP", port: 53 },
  { id: "S12", src: M2, dst: X, protocol: "TCP", port: 443 },
  { id: "S13", src: B, dst: V, protocol: "TCP", port: 443 },
  { id: "R1", src: R, dst: F, protocol: "TCP", port: 80 },
  { id: "R2", src: R, dst: M1, protocol: "TCP", port: 8080 },
  { id: "R3", src: R, dst: M2, protocol: "TCP", port: 8080 },
  { id: "R4", src: R, dst: B, protocol: "TCP", port: 5432 },
  { id: "R5", src: R, dst: L, protocol: "TCP", port: 24224 },
  { id: "R6", src: R, dst: X, protocol: "TCP", port: 443 },
];

export function scenarioConnections(name: ScenarioName): Connection[] {
  return name === "stars" ? STARS : name === "storefront" ? STOREFRONT : [];
}
