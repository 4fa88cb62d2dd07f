import type { Database, Prisma, Tx } from "@palisade/db";
import type { PubSub } from "../events/pubsub.ts";

type ClusterConnection = Prisma.ClusterConnectionGetPayload<object>;

export type ConnectionState = "PENDING" | "CONNECTED" | "DISCONNECTED";

/** What `cluster.connection` and the `clusterStatus` subscription show. */
export interface ClusterStatusView {
  clusterId: string;
  state: ConnectionState;
  /** when the current state began (connected at, disconnected since) */
  since: string | null;
  connectorVersion: string | null;
  calicoVersion: string | null;
  nodes: number;
  pods: number;
  lastHeartbeatAt: string | null;
  kubeSystemUid: string | null;
  connectedName: string | null;
  droppedBatches: number;
}

export const clusterStatusChannel = (clusterId: string) => `cluster-status:${clusterId}`;
/** Commands for the API process holding a cluster's connection (rotate the credential, disconnect). */
export const connectorControlChannel = (clusterId: string) => `connector-control:${clusterId}`;
export type ConnectorControl = { action: "rotate"; overlapSeconds: number } | { action: "disconnect"; reason: string };

/** A connection silent this long is shown DISCONNECTED even if no process could record it (its API process died). */
export const STALE_AFTER_MS = 60_000;

export function statusView(clusterId: string, c: ClusterConnection | null, now?: Date): ClusterStatusView {
  const stale = !!c?.connected && !!now && !!c.lastHeartbeatAt && now.getTime() - c.lastHeartbeatAt.getTime() > STALE_AFTER_MS;
  const state: ConnectionState = !c ? "PENDING" : c.connected && !stale ? "CONNECTED" : c.disconnectedAt || stale ? "DISCONNECTED" : "PENDING";
  const since = state === "CONNECTED" ? c!.connectedAt : state === "DISCONNECTED" ? (stale ? c!.lastHeartbeatAt : c!.disconnectedAt) : null;
  return {
    clusterId,
    state,
    since: since?.toISOString() ?? null,
    connectorVersion: c?.connectorVersion ?? null,
    calicoVersion: c?.calicoVersion ?? null,
    nodes: c?.nodes ?? 0,
    pods: c?.pods ?? 0,
    lastHeartbeatAt: c?.lastHeartbeatAt?.toISOString() ?? null,
    kubeSystemUid: c?.kubeSystemUid ?? null,
    connectedName: c?.connectedName ?? null,
    droppedBatches: c?.droppedBatches ?? 0,
  };
}

/** `now`: judge staleness (a connection whose heartbeats stopped without a close being recorded). */
export async function clusterStatus(tx: Tx, clusterId: string, now?: Date): Promise<ClusterStatusView> {
  return statusView(clusterId, await tx.clusterConnection.findUnique({ where: { clusterId } }), now);
}

interface Deps {
  db: Database;
  events: PubSub;
}

async function updateAndPublish(deps: Deps, tenantId: string, clusterId: string, fn: (tx: Tx) => Promise<ClusterConnection | null>): Promise<ClusterStatusView | null> {
  const row = await deps.db.withTenant(tenantId, fn);
  if (!row) return null;
  const view = statusView(clusterId, row);
  await deps.events.publish(clusterStatusChannel(clusterId), view);
  return view;
}

export function markConnected(
  deps: Deps,
  args: { tenantId: string; clusterId: string; sessionId: string; connectorVersion: string; calicoVersion: string | null; now: Date },
) {
  return updateAndPublish(deps, args.tenantId, args.clusterId, async (tx) => {
    await tx.cluster.update({ where: { id: args.clusterId }, data: { status: "CONNECTED" } });
    return tx.clusterConnection.update({
      where: { clusterId: args.clusterId },
      data: {
        connected: true,
        sessionId: args.sessionId,
        connectedAt: args.now,
        disconnectedAt: null,
        lastHeartbeatAt: args.now,
        connectorVersion: args.connectorVersion,
        ...(args.calicoVersion ? { calicoVersion: args.calicoVersion } : {}),
      },
    });
  });
}

/** Only the session that holds the connection may mark it gone (a newer session may already hold it). */
export function markDisconnected(deps: Deps, args: { tenantId: string; clusterId: string; sessionId: string; now: Date }) {
  return updateAndPublish(deps, args.tenantId, args.clusterId, async (tx) => {
    const r = await tx.clusterConnection.updateMany({
      where: { clusterId: args.clusterId, sessionId: args.sessionId, connected: true },
      data: { connected: false, disconnectedAt: args.now, sessionId: null },
    });
    if (r.count === 0) return null;
    await tx.cluster.update({ where: { id: args.clusterId }, data: { status: "DISCONNECTED" } });
    return tx.clusterConnection.findUnique({ where: { clusterId: args.clusterId } });
  });
}

export async function recordHeartbeat(deps: Deps, args: { tenantId: string; clusterId: string; now: Date }): Promise<void> {
  await deps.db.withTenant(args.tenantId, (tx) => tx.clusterConnection.update({ where: { clusterId: args.clusterId }, data: { lastHeartbeatAt: args.now } }));
}

export function recordInventory(
  deps: Deps,
  args: { tenantId: string; clusterId: string; calicoVersion: string | null; nodes: number; pods: number; inventory: unknown },
) {
  return updateAndPublish(deps, args.tenantId, args.clusterId, (tx) =>
    tx.clusterConnection.update({
      where: { clusterId: args.clusterId },
      data: { calicoVersion: args.calicoVersion, nodes: args.nodes, pods: args.pods, inventory: args.inventory as object },
    }),
  );
}

/** The name the install script prints, kept once it has been worked out from the API server's host. */
export async function recordConnectedName(db: Database, args: { tenantId: string; clusterId: string; name: string }): Promise<void> {
  await db.withTenant(args.tenantId, (tx) => tx.clusterConnection.updateMany({ where: { clusterId: args.clusterId }, data: { connectedName: args.name } }));
}

/** After uninstall or revocation: the cluster waits for a new registration. */
export async function forgetConnection(tx: Tx, clusterId: string): Promise<void> {
  await tx.clusterConnection.deleteMany({ where: { clusterId } });
  await tx.cluster.update({ where: { id: clusterId }, data: { status: "PENDING" } });
}
