import type { Config, Logger } from "@palisade/config";
import type { CoreDeps } from "@palisade/core";
import type { Redis } from "ioredis";

/** Everything the API process is built from; main.ts makes it, tests make their own. */
export interface ApiDeps extends CoreDeps {
  redis: Redis;
  log: Logger;
  config: Readonly<Config>;
}
