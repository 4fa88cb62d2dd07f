/** A flow log record with the field names Calico Enterprise writes (flows.log, one JSON object per line). */
export interface FlowLogRecord {
  start_time: number;
  end_time: number;
  source_type: "wep" | "hep" | "ns" | "net";
  source_namespace: string;
  source_name: string;
  source_name_aggr: string;
  source_ip: string | null;
  source_port: number | null;
  source_labels: { labels: string[] } | null;
  dest_type: "wep" | "hep" | "ns" | "net";
  dest_namespace: string;
  dest_name: string;
  dest_name_aggr: string;
  dest_ip: string | null;
  dest_port: number;
  dest_labels: { labels: string[] } | null;
  dest_domains: string[] | null;
  dest_service_namespace: string;
  dest_service_name: string;
  dest_service_port: string;
  dest_service_port_num: number | null;
  proto: string;
  reporter: "src" | "dst";
  action: "allow" | "deny";
  policies: { enforced_policies: string[]; pending_policies: string[] };
  bytes_in: number;
  bytes_out: number;
  packets_in: number;
  packets_out: number;
  num_flows: number;
  num_flows_started: number;
  num_flows_completed: number;
  host: string;
}
