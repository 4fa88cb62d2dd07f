import { createHash } from "node:crypto";
import { badInput } from "../errors.ts";

export type FlowLogSort = "TIME_DESC" | "TIME_ASC" | "COUNT_DESC";
export const FLOW_LOG_SORTS: readonly FlowLogSort[] = ["TIME_DESC", "TIME_ASC", "COUNT_DESC"];

/** Where a record sits in a sort: (num_flows for COUNT_DESC,) start second, batch id, position in the batch. */
export interface SortKey {
  numFlows: number;
  startSeconds: number;
  batchId: string;
  ordinal: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ties a cursor to the cluster and sort it was made for, so it cannot be taken to another listing. */
const scopeOf = (clusterId: string, sort: FlowLogSort) => createHash("sha256").update(`${clusterId}\u0000${sort}`).digest("base64url").slice(0, 12);

export function encodeCursor(clusterId: string, sort: FlowLogSort, k: SortKey): string {
  const key = sort === "COUNT_DESC" ? [k.numFlows, k.startSeconds, k.batchId, k.ordinal] : [k.startSeconds, k.batchId, k.ordinal];
  return Buffer.from(JSON.stringify({ s: scopeOf(clusterId, sort), k: key })).toString("base64url");
}

/** The cursor's sort key; BAD_USER_INPUT on `after` for anything this listing did not hand out. */
export function decodeCursor(clusterId: string, sort: FlowLogSort, cursor: string): SortKey {
  const bad = () => badInput("after", "after is not a cursor of this listing (take endCursor from a page of the same cluster and sort)");
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const p = parsed as { s?: unknown; k?: unknown };
  if (!p || typeof p !== "object" || p.s !== scopeOf(clusterId, sort) || !Array.isArray(p.k)) throw bad();
  const k = sort === "COUNT_DESC" ? p.k : [0, ...p.k];
  if (k.length !== 4) throw bad();
  const [numFlows, startSeconds, batchId, ordinal] = k as unknown[];
  const int = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  if (!int(numFlows) || !int(startSeconds) || !int(ordinal) || typeof batchId !== "string" || !UUID.test(batchId)) throw bad();
  return { numFlows: numFlows as number, startSeconds: startSeconds as number, batchId, ordinal: ordinal as number };
}
