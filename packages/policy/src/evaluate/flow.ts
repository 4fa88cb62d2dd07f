import type { SideVerdict } from "./walk.ts";

export type FlowEnd = { pod: string } | { ip: string };

export interface Flow {
  src: FlowEnd;
  dst: FlowEnd;
  protocol: string;
  port?: number;
  /** the DNS names the destination address was resolved from */
  domains?: string[];
  icmp?: { type: number; code?: number };
}

export interface Verdict {
  action: "allow" | "deny";
  /** the source pod's egress policy; null when the source is no pod */
  egress: SideVerdict | null;
  /** the destination pod's ingress policy; null when the destination is no pod */
  ingress: SideVerdict | null;
  /** the verdict with every staged policy enforced */
  pending: { action: "allow" | "deny"; egress: SideVerdict | null; ingress: SideVerdict | null };
}

export type { SideVerdict };
