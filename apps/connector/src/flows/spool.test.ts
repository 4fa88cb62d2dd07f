import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Spool } from "./spool.ts";

const dir = () => mkdtempSync(path.join(tmpdir(), "spool-"));
const rec = (n: number) => [{ n }];

describe("Spool", () => {
  it("keeps unacknowledged batches, with their ids, across a restart", () => {
    const d = dir();
    const a = new Spool(d, 10);
    const b1 = a.add(rec(1), { fileKey: "f", offset: 10 });
    const b2 = a.add(rec(2), { fileKey: "f", offset: 20 });
    a.ack(b1.id);
    const again = new Spool(d, 10);
    expect(again.pending().map((b) => [b.id, b.records])).toEqual([[b2.id, rec(2)]]);
  });

  it("resumes reading past the last batch spooled, acknowledged or not", () => {
    const d = dir();
    const a = new Spool(d, 10);
    const b1 = a.add(rec(1), { fileKey: "f", offset: 10 });
    a.add(rec(2), { fileKey: "f", offset: 20 });
    a.ack(b1.id);
    expect(new Spool(d, 10).resumeFrom()).toEqual({ fileKey: "f", offset: 20 });
  });

  it("resumes past the last acknowledged batch when nothing is pending", () => {
    const d = dir();
    const a = new Spool(d, 10);
    a.ack(a.add(rec(1), { fileKey: "f", offset: 10 }).id);
    a.ack(a.add(rec(2), { fileKey: "f", offset: 25 }).id);
    expect(new Spool(d, 10).resumeFrom()).toEqual({ fileKey: "f", offset: 25 });
  });

  it("drops the oldest batch when full and counts it once for the next report", () => {
    const a = new Spool(dir(), 2);
    const b1 = a.add(rec(1), { fileKey: "f", offset: 1 });
    a.add(rec(2), { fileKey: "f", offset: 2 });
    a.add(rec(3), { fileKey: "f", offset: 3 });
    a.add(rec(4), { fileKey: "f", offset: 4 });
    expect(a.pending().map((b) => b.records[0]!.n)).toEqual([3, 4]);
    expect(a.pending().some((b) => b.id === b1.id)).toBe(false);
    expect(a.takeDropped()).toBe(2);
    expect(a.takeDropped()).toBe(0);
  });

  it("starts empty on a fresh directory", () => {
    const a = new Spool(dir(), 2);
    expect(a.pending()).toEqual([]);
    expect(a.resumeFrom()).toBeNull();
  });
});
