import type { Redis } from "ioredis";

type Listener = (message: unknown) => void;

/**
 * Events through Redis, so a subscriber on any API process sees what any process published. One
 * subscriber connection per process fans messages out to in-process listeners.
 */
export class PubSub {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    subscriber.on("message", (prefixed: string, raw: string) => {
      const set = this.listeners.get(prefixed.slice(this.prefix.length + 1));
      if (!set) return;
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        return;
      }
      for (const l of set) l(message);
    });
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.publisher.publish(`${this.prefix}:${channel}`, JSON.stringify(message));
  }

  /**
   * An async iterator of the channel's messages, for GraphQL subscriptions. It buffers at most
   * `maxBuffered` undelivered messages (the oldest go first) so a slow subscriber cannot grow memory.
   * Resolves `ready` once Redis confirms the subscription, so nothing published after it is missed.
   */
  iterate<T>(channel: string, maxBuffered = 1000): AsyncIterableIterator<T> & { ready: Promise<void> } {
    const queue: T[] = [];
    let wake: ((r: IteratorResult<T>) => void) | null = null;
    let done = false;
    const listener: Listener = (m) => {
      if (wake) {
        const w = wake;
        wake = null;
        w({ value: m as T, done: false });
      } else {
        queue.push(m as T);
        if (queue.length > maxBuffered) queue.shift();
      }
    };
    let set = this.listeners.get(channel);
    const first = !set;
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    const ready = first ? this.subscriber.subscribe(`${this.prefix}:${channel}`).then(() => undefined) : Promise.resolve();
    const stop = async () => {
      if (done) return;
      done = true;
      const s = this.listeners.get(channel);
      s?.delete(listener);
      if (s && s.size === 0) {
        this.listeners.delete(channel);
        await this.subscriber.unsubscribe(`${this.prefix}:${channel}`).catch(() => {});
      }
      if (wake) wake({ value: undefined, done: true });
    };
    const iterator = {
      ready,
      next: async (): Promise<IteratorResult<T>> => {
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        if (done) return { value: undefined, done: true };
        return new Promise((resolve) => (wake = resolve));
      },
      return: async (): Promise<IteratorResult<T>> => {
        await stop();
        return { value: undefined, done: true };
      },
      throw: async (e: unknown): Promise<IteratorResult<T>> => {
        await stop();
        throw e;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}

export const channels = {
  trialRequest: (id: string) => `trial-request:${id}`,
  /** a token, membership or tenant status changed: cached principals must go */
  authChanged: () => "auth-changed",
};
