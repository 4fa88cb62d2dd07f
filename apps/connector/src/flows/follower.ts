import { openSync, closeSync, fstatSync, readSync, statSync } from "node:fs";
import type { Logger } from "pino";
import type { Position, Spool } from "./spool.ts";

/**
 * Follows the flow log (JSON lines, appended by Felix or the simulator) from where the spool says, and
 * cuts batches by count or by time. A file replaced (another inode) or truncated is read from its start.
 */
export class FlowFollower {
  private pos: Position | null;
  private buffer: Record<string, unknown>[] = [];
  private firstAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private malformed = 0;

  constructor(
    private readonly file: string,
    private readonly spool: Spool,
    private readonly options: { batchRecords: number; batchMs: number; pollMs?: number; log: Logger; onBatch: () => void },
  ) {
    this.pos = spool.resumeFrom();
  }

  start(): void {
    const tick = () => {
      try {
        this.poll();
      } catch (e) {
        this.options.log.warn({ err: (e as Error).message, file: this.file }, "reading the flow log failed");
      }
      this.timer = setTimeout(tick, this.options.pollMs ?? 200);
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private poll(): void {
    let st;
    try {
      st = statSync(this.file);
    } catch {
      return; // no flow log yet
    }
    const key = `${st.dev}:${st.ino}`;
    if (!this.pos || this.pos.fileKey !== key || st.size < this.pos.offset) this.pos = { fileKey: key, offset: 0 };
    if (st.size > this.pos.offset) this.read(key);
    if (this.buffer.length > 0 && Date.now() - this.firstAt >= this.options.batchMs) this.cut();
  }

  private read(key: string): void {
    const fd = openSync(this.file, "r");
    try {
      if (`${fstatSync(fd).dev}:${fstatSync(fd).ino}` !== key) return;
      const chunk = Buffer.alloc(4 * 1024 * 1024);
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, this.pos!.offset);
        if (n <= 0) break;
        const last = chunk.lastIndexOf(10, n - 1);
        if (last < 0) break; // a line still being written
        let start = 0;
        while (start <= last) {
          const nl = chunk.indexOf(10, start);
          const line = chunk.toString("utf8", start, nl);
          const length = nl + 1 - start;
          start = nl + 1;
          if (line.trim()) {
            try {
              this.push(JSON.parse(line) as Record<string, unknown>);
            } catch {
              this.malformed++;
              this.options.log.warn({ malformed: this.malformed }, "skipping a flow log line that is not JSON");
            }
          }
          this.pos = { fileKey: key, offset: this.pos!.offset + length };
          if (this.buffer.length >= this.options.batchRecords) this.cut();
        }
        if (n < chunk.length) break;
      }
    } finally {
      closeSync(fd);
    }
  }

  private push(r: Record<string, unknown>): void {
    if (this.buffer.length === 0) this.firstAt = Date.now();
    this.buffer.push(r);
  }

  private cut(): void {
    this.spool.add(this.buffer, this.pos!);
    this.buffer = [];
    this.options.onBatch();
  }
}
