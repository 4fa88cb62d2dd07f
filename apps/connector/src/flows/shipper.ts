import type { ConnectorMessage } from "@palisade/protocol";
import type { Logger } from "pino";
import type { Spool } from "./spool.ts";

/**
 * Sends spooled batches oldest first, at most `window` unacknowledged at a time, and deletes each when
 * Palisade acknowledges it. After a reconnect everything unacknowledged is sent again: Palisade stores a
 * batch id once, so a resend is harmless.
 */
export class FlowShipper {
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly spool: Spool,
    private readonly send: (m: ConnectorMessage) => boolean,
    private readonly window: number,
    private readonly log: Logger,
  ) {}

  pump(): void {
    for (const b of this.spool.pending()) {
      if (this.inFlight.size >= this.window) return;
      if (this.inFlight.has(b.id)) continue;
      const dropped = this.spool.takeDropped();
      if (!this.send({ type: "flowBatch", id: b.id, records: b.records, dropped })) {
        this.spool.restoreDropped(dropped);
        return;
      }
      this.inFlight.set(b.id, dropped);
    }
  }

  acked(id: string): void {
    this.inFlight.delete(id);
    this.spool.ack(id);
    this.pump();
  }

  /** Palisade refused the batch as malformed: resending cannot help, so it goes (and is logged). */
  refused(id: string, reason: string): void {
    this.log.error({ batch: id, reason }, "Palisade refused a flow batch; dropping it");
    this.acked(id);
  }

  /** The connection is gone: whatever was in flight is unacknowledged and goes again on the next one. */
  reset(): void {
    for (const dropped of this.inFlight.values()) this.spool.restoreDropped(dropped);
    this.inFlight.clear();
  }
}
