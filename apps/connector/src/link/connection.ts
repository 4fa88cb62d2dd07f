import type { Agent } from "node:http";
import { CONNECT_PATH, encode, MAX_MESSAGE_BYTES, parseApiMessage, type ApiMessage, type ConnectorMessage, type Hello, type Welcome } from "@palisade/protocol";
import type { Logger } from "pino";
import WebSocket from "ws";
import { backoffDelay } from "./backoff.ts";

export interface LinkHandlers {
  hello(): Hello;
  onWelcome(w: Welcome): Promise<void> | void;
  onMessage(m: ApiMessage): Promise<void> | void;
  onDown(): void;
}

/** ws(s)://host/connect from the API's http(s) URL. */
export function connectUrl(apiUrl: string): string {
  const u = new URL(apiUrl);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  u.pathname = `${u.pathname.replace(/\/$/, "")}${CONNECT_PATH}`;
  return u.toString();
}

/**
 * The one connection to Palisade, dialled out. Reconnects forever with capped, fully jittered exponential
 * backoff (reset once a welcome arrives); heartbeats both ways; a silent API (three heartbeats) is taken
 * for dead and the connection is dropped and dialled again.
 */
export class Link {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private up = false;
  private beat: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly handlers: LinkHandlers,
    private readonly options: { baseMs: number; capMs: number; agent?: Agent; log: Logger },
  ) {}

  get connected(): boolean {
    return this.up;
  }

  send(m: ConnectorMessage): boolean {
    if (!this.up || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(encode(m));
    return true;
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      await this.once();
      if (this.stopped) break;
      const delay = backoffDelay(this.attempt++, this.options.baseMs, this.options.capMs);
      this.options.log.info({ delayMs: delay, attempt: this.attempt }, "reconnecting to Palisade");
      await new Promise<void>((r) => {
        const t = setTimeout(r, delay);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }

  /** drops this connection; the next one starts with a new hello */
  redial(reason: string): void {
    this.options.log.warn({ reason }, "dropping the connection to Palisade to start again");
    this.ws?.terminate();
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close(1001, "connector stopping");
    this.wake?.();
  }

  private once(): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(this.url, { agent: this.options.agent, maxPayload: MAX_MESSAGE_BYTES + 64 * 1024, handshakeTimeout: 10_000 });
      this.ws = ws;
      let lastHeard = Date.now();
      ws.on("open", () => ws.send(encode(this.handlers.hello())));
      ws.on("message", (data: Buffer) => {
        lastHeard = Date.now();
        const parsed = parseApiMessage(data);
        if (!parsed.ok) {
          this.options.log.warn({ reason: parsed.reason }, "ignoring a message from Palisade");
          return;
        }
        const m = parsed.message;
        this.chain = this.chain
          .then(async () => {
            if (m.type === "welcome") {
              this.attempt = 0;
              this.up = true;
              await this.handlers.onWelcome(m);
              this.beat = setInterval(() => {
                if (Date.now() - lastHeard > 3 * m.heartbeatSeconds * 1000) {
                  this.options.log.warn("Palisade silent for three heartbeats; reconnecting");
                  ws.terminate();
                  return;
                }
                this.send({ type: "heartbeat", at: new Date().toISOString() });
              }, m.heartbeatSeconds * 1000);
            } else if (m.type === "refused") {
              this.options.log.error({ code: m.code, reason: m.reason }, `Palisade refused the connection: ${m.reason}`);
            } else {
              await this.handlers.onMessage(m);
            }
          })
          .catch((e) => this.options.log.error({ err: e }, "handling a message from Palisade failed"));
      });
      ws.on("error", (e) => this.options.log.warn({ err: e.message }, "connection to Palisade failed"));
      ws.on("close", (code, reason) => {
        if (this.beat) clearInterval(this.beat);
        this.beat = null;
        const wasUp = this.up;
        this.up = false;
        if (wasUp) {
          this.options.log.warn({ code, reason: reason.toString() }, "disconnected from Palisade");
          this.handlers.onDown();
        }
        resolve();
      });
    });
  }
}
