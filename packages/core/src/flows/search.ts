import type { Tx } from "@palisade/db";
import { badInput } from "../errors.ts";
import type { FlowAccess } from "./access.ts";
import { compileFlowFilter, type FlowFilterInput } from "./filter.ts";
import { decodeCursor, encodeCursor, FLOW_LOG_SORTS, type FlowLogSort } from "./search-cursor.ts";
import { policyVersionLookup } from "./search-versions.ts";
import { flowLogView, type FlowLogView } from "./search-view.ts";

export interface FlowLogQuery {
  clusterId: string;
  from: Date;
  to: Date;
  filter?: FlowFilterInput | null;
  sort?: FlowLogSort | null;
  first?: number | null;
  after?: string | null;
}

export interface FlowLogPage<T> {
  records: Array<T & { cursor: string }>;
  hasNextPage: boolean;
  endCursor: string | null;
}

export const MAX_PAGE = 500;
/** A page's query is cancelled after this long (within withTenant's 15 s) and answered with BAD_USER_INPUT. */
export const SEARCH_TIMEOUT_MS = 10_000;

const ORDER: Record<FlowLogSort, { columns: string[]; direction: "ASC" | "DESC" }> = {
  TIME_DESC: { columns: ["start_time", "batch_id", "ordinal"], direction: "DESC" },
  TIME_ASC: { columns: ["start_time", "batch_id", "ordinal"], direction: "ASC" },
  COUNT_DESC: { columns: ["num_flows", "start_time", "batch_id", "ordinal"], direction: "DESC" },
};

/**
 * Planner settings for one page's query, restored after it:
 * - jit off: a page is a short read, but the planner costs it as if it read the whole window, and JIT
 *   compiling that takes seconds.
 * - enable_sort off for the time sorts: under row-level security Postgres hides column statistics from
 *   operators that are not leakproof (LIKE, the filter's name and policy matches), so it underestimates the
 *   matches and would read every one through the action index and sort them all. Walking the time index and
 *   stopping after a page is the better plan (2M records: 2.8 s -> 6 ms for denied-by-a-policy, 5.2 s ->
 *   1.1 s for a filter matching 0.04%). COUNT_DESC has no index to walk and sorts either way.
 */
async function planFor(tx: Tx, sort: FlowLogSort, timeoutMs: number): Promise<{ restore(): Promise<void> }> {
  const [before] = await tx.$queryRawUnsafe<{ jit: string; sort: string; timeout: string }[]>(
    `SELECT current_setting('jit') AS jit, current_setting('enable_sort') AS sort, current_setting('statement_timeout') AS timeout,
       set_config('jit', 'off', true), set_config('enable_sort', $1, true), set_config('statement_timeout', $2, true)`,
    sort === "COUNT_DESC" ? "on" : "off",
    String(timeoutMs),
  );
  return {
    restore: async () => {
      await tx.$queryRawUnsafe(`SELECT set_config('jit', $1, true), set_config('enable_sort', $2, true), set_config('statement_timeout', $3, true)`, before!.jit, before!.sort, before!.timeout);
    },
  };
}

/** Postgres cancelled the statement (57014), as Prisma's driver adapter reports it. */
function isStatementTimeout(e: unknown): boolean {
  const cause = (e as { meta?: { driverAdapterError?: { cause?: { code?: string } } } }).meta?.driverAdapterError?.cause;
  return cause?.code === "57014";
}

interface Row {
  record: Record<string, unknown>;
  batch: string;
  ordinal: number;
  st: bigint | number;
  num_flows: number;
}

/**
 * Raw flow logs of a window, filtered (filter.ts), visible to the caller, in a stable order, one keyset page
 * at a time. Answers the records as Calico wrote them; searchFlowLogs adds the API's view.
 */
export async function searchFlowLogRecords(
  tx: Tx,
  access: Pick<FlowAccess, "clusterId" | "visibleNamespaces">,
  q: FlowLogQuery,
  /** how long the page's query may read (exports, in transactions of their own, allow more) */
  timeoutMs = SEARCH_TIMEOUT_MS,
): Promise<FlowLogPage<{ record: Record<string, unknown> }>> {
  const sort = q.sort ?? "TIME_DESC";
  if (!FLOW_LOG_SORTS.includes(sort)) throw badInput("sort", `sort must be one of ${FLOW_LOG_SORTS.join(", ")}`);
  const first = q.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput("first", `first must be 1 to ${MAX_PAGE}`);
  const after = q.after ? decodeCursor(q.clusterId, sort, q.after) : null;
  const { where, params } = await compileFlowFilter(tx, "raw", q.filter, { clusterId: q.clusterId, from: q.from, to: q.to, visibleNamespaces: access.visibleNamespaces });
  const order = ORDER[sort];
  const conditions = [where];
  if (after) {
    const add = (v: unknown, cast: string) => {
      params.push(v);
      return `$${params.length}::${cast}`;
    };
    const start = add(new Date(after.startSeconds * 1000), "timestamptz");
    const values = [start, add(after.batchId, "uuid"), add(after.ordinal, "int")];
    if (sort === "COUNT_DESC") values.unshift(add(after.numFlows, "int"));
    const op = order.direction === "DESC" ? "<" : ">";
    // the bare bound on the leading column lets the index range-scan; the row comparison breaks the ties
    conditions.push(`${order.columns[0]} ${op}= ${values[0]}`, `(${order.columns.join(", ")}) ${op} (${values.join(", ")})`);
  }
  params.push(first + 1);
  const settings = await planFor(tx, sort, timeoutMs);
  let rows: Row[];
  try {
    rows = await tx.$queryRawUnsafe<Row[]>(
      `SELECT record, batch_id::text AS batch, ordinal, extract(epoch FROM start_time)::bigint AS st, num_flows
       FROM flow_logs WHERE ${conditions.join(" AND ")}
       ORDER BY ${order.columns.map((c) => `${c} ${order.direction}`).join(", ")} LIMIT $${params.length}`,
      ...params,
    );
  } catch (e) {
    if (!isStatementTimeout(e)) throw e;
    throw badInput(
      sort === "COUNT_DESC" ? "sort" : "filter",
      `the search read for more than ${timeoutMs / 1000} s: narrow the window (from, to)${sort === "COUNT_DESC" ? ", sort by time" : ""} or filter more`,
    );
  }
  await settings.restore();
  const page = rows.slice(0, first).map((r) => ({
    record: r.record,
    cursor: encodeCursor(q.clusterId, sort, { numFlows: r.num_flows, startSeconds: Number(r.st), batchId: r.batch, ordinal: r.ordinal }),
  }));
  return { records: page, hasNextPage: rows.length > first, endCursor: page.at(-1)?.cursor ?? null };
}

/** flowLogs: a page of records with every contract field, each policy hit linked to the version enforced then. */
export async function searchFlowLogs(tx: Tx, access: FlowAccess, q: FlowLogQuery): Promise<FlowLogPage<FlowLogView>> {
  const page = await searchFlowLogRecords(tx, access, q);
  const versionOf = await policyVersionLookup(
    tx,
    access,
    page.records.map((r) => r.record),
  );
  return { ...page, records: page.records.map((r) => ({ ...flowLogView(r.record, versionOf), cursor: r.cursor })) };
}
