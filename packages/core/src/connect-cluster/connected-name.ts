/**
 * The name the install script prints for a connected cluster, from its API server's host the way the
 * managed installer of the seed did: `XXXXXXXX.gr7.us-west-2.eks.amazonaws.com` gives
 * `XXXXXXXX-us-west-2-eks-amazonaws-com` (EKS's shard label, `gr7`, says nothing and goes). A host that
 * names nothing (an IP address, localhost, kubernetes.default.svc) gives the cluster's name in Palisade.
 */
export function connectedClusterName(server: string | null | undefined, clusterName: string): string {
  let host: string;
  try {
    host = new URL(server ?? "").hostname.toLowerCase();
  } catch {
    return clusterName;
  }
  if (!host || /^[\d.]+$/.test(host) || host.includes(":") || host.startsWith("[") || host === "localhost" || !host.includes(".")) return clusterName;
  if (host.startsWith("kubernetes.default")) return clusterName;
  let labels = host.split(".");
  if (host.endsWith(".eks.amazonaws.com")) labels = labels.filter((l, i) => !(i === 1 && /^[a-z]{2}\d+$/.test(l)));
  const name = labels.join("-").replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  return name.slice(0, 63).replace(/-$/, "") || clusterName;
}
