import type { Config } from "@palisade/config";
import type { Database } from "@palisade/db";
import type { PubSub } from "./events/pubsub.ts";
import type { JobQueue } from "./jobs/queue.ts";

/** What domain functions need from the process; time comes in here so tests can move it. */
export interface CoreDeps {
  db: Database;
  jobs: JobQueue;
  events: PubSub;
  config: Readonly<Config>;
  now: () => Date;
}

/** Where users and connectors reach Palisade: PUBLIC_URL, or the listening address. */
export function publicUrlOf(config: Readonly<Config>): string {
  return config.publicUrl ?? `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
}
