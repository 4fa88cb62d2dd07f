import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { FlowFollower } from "./follower.ts";
import { Spool } from "./spool.ts";

const log = pino({ level: "silent" });
const line = (n: number) => `${JSON.stringify({ n })}\n`;

async function settle(spool: Spool, count: number): Promise<void> {
  for (let i = 0; i < 100 && spool.pending().flatMap((b) => b.records).length < count; i++) await new Promise((r) => setTimeout(r, 20));
}

describe("FlowFollower", () => {
  it("cuts batches by count and by time, and a restart neither repeats nor skips a line", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "follow-"));
    const file = path.join(d, "flows.log");
    writeFileSync(file, [1, 2, 3, 4, 5].map(line).join(""));
    const spool = new Spool(path.join(d, "spool"), 100);
    const f = new FlowFollower(file, spool, { batchRecords: 2, batchMs: 30, pollMs: 5, log, onBatch: () => {} });
    f.start();
    await settle(spool, 5);
    f.stop();
    expect(spool.pending().map((b) => b.records.map((r) => r.n))).toEqual([[1, 2], [3, 4], [5]]);
    for (const b of spool.pending()) spool.ack(b.id);

    appendFileSync(file, [6, 7].map(line).join("") + '{"n": 8'); // 8 is still being written
    const spool2 = new Spool(path.join(d, "spool"), 100);
    const g = new FlowFollower(file, spool2, { batchRecords: 10, batchMs: 30, pollMs: 5, log, onBatch: () => {} });
    g.start();
    await settle(spool2, 2);
    appendFileSync(file, "}\n");
    await settle(spool2, 3);
    g.stop();
    expect(spool2.pending().flatMap((b) => b.records.map((r) => r.n))).toEqual([6, 7, 8]);
  });

  it("skips a line that is not JSON and keeps going", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "follow-"));
    const file = path.join(d, "flows.log");
    writeFileSync(file, `${line(1)}not json\n${line(2)}`);
    const spool = new Spool(path.join(d, "spool"), 100);
    const f = new FlowFollower(file, spool, { batchRecords: 10, batchMs: 20, pollMs: 5, log, onBatch: () => {} });
    f.start();
    await settle(spool, 2);
    f.stop();
    expect(spool.pending().flatMap((b) => b.records.map((r) => r.n))).toEqual([1, 2]);
  });
});
