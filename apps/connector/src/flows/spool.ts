import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface SpooledBatch {
  id: string;
  seq: number;
  records: Record<string, unknown>[];
  /** the flow log (device:inode) and the offset just past the batch's last line */
  fileKey: string;
  endOffset: number;
}

export interface Position {
  fileKey: string;
  offset: number;
}

/**
 * Unacknowledged flow batches on disk, one file each, bounded by count. A batch is written (temp file and
 * rename) before the log position past it counts as read, and the position advances on disk only when its
 * batch is acknowledged or dropped, so a restart resends what was not acknowledged and re-reads nothing
 * that was. Full: the oldest batch goes and is counted, to be reported to Palisade.
 */
export class Spool {
  private readonly dir: string;
  private readonly batches = new Map<string, SpooledBatch>();
  private nextSeq = 0;
  private droppedUnreported = 0;

  constructor(
    root: string,
    private readonly maxBatches: number,
  ) {
    this.dir = path.join(root, "batches");
    mkdirSync(this.dir, { recursive: true });
    for (const f of readdirSync(this.dir).sort()) {
      if (!f.endsWith(".json")) continue;
      try {
        const b = JSON.parse(readFileSync(path.join(this.dir, f), "utf8")) as SpooledBatch;
        this.batches.set(b.id, b);
        this.nextSeq = Math.max(this.nextSeq, b.seq + 1);
      } catch {
        rmSync(path.join(this.dir, f), { force: true }); // a torn temp write never renamed into place
      }
    }
    this.positionFile = path.join(root, "position.json");
  }

  private readonly positionFile: string;

  /** Where reading the flow log resumes: past the last batch spooled, else the last position saved. */
  resumeFrom(): Position | null {
    let pos: Position | null = null;
    try {
      pos = JSON.parse(readFileSync(this.positionFile, "utf8")) as Position;
    } catch {
      pos = null;
    }
    for (const b of this.pending()) if (!pos || b.fileKey !== pos.fileKey || b.endOffset > pos.offset) pos = { fileKey: b.fileKey, offset: b.endOffset };
    return pos;
  }

  add(records: Record<string, unknown>[], at: Position): SpooledBatch {
    while (this.batches.size >= this.maxBatches) {
      const oldest = this.pending()[0]!;
      this.remove(oldest);
      this.droppedUnreported++;
    }
    const b: SpooledBatch = { id: randomUUID(), seq: this.nextSeq++, records, fileKey: at.fileKey, endOffset: at.offset };
    const file = path.join(this.dir, `${String(b.seq).padStart(12, "0")}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(b));
    renameSync(`${file}.tmp`, file);
    this.batches.set(b.id, b);
    return b;
  }

  /** Oldest first. */
  pending(): SpooledBatch[] {
    return [...this.batches.values()].sort((a, b) => a.seq - b.seq);
  }

  get size(): number {
    return this.batches.size;
  }

  ack(id: string): boolean {
    const b = this.batches.get(id);
    if (!b) return false;
    this.remove(b);
    return true;
  }

  /** Batches dropped since the last call (for the next batch's `dropped`). */
  takeDropped(): number {
    const n = this.droppedUnreported;
    this.droppedUnreported = 0;
    return n;
  }

  /** The dropped count goes back if the batch reporting it was not acknowledged. */
  restoreDropped(n: number): void {
    this.droppedUnreported += n;
  }

  private remove(b: SpooledBatch): void {
    let saved: Position | null = null;
    try {
      saved = JSON.parse(readFileSync(this.positionFile, "utf8")) as Position;
    } catch {
      saved = null;
    }
    if (!saved || saved.fileKey !== b.fileKey || saved.offset < b.endOffset) {
      writeFileSync(`${this.positionFile}.tmp`, JSON.stringify({ fileKey: b.fileKey, offset: b.endOffset }));
      renameSync(`${this.positionFile}.tmp`, this.positionFile);
    }
    rmSync(path.join(this.dir, `${String(b.seq).padStart(12, "0")}.json`), { force: true });
    this.batches.delete(b.id);
  }
}
