import type { Config, Logger } from "@palisade/config";
import type { CoreDeps } from "@palisade/core";
import type { Redis } from "ioredis";
import type { MailTransport } from "./mail/transport.ts";

export interface WorkerDeps extends CoreDeps {
  redis: Redis;
  mail: MailTransport;
  log: Logger;
  config: Readonly<Config>;
}
