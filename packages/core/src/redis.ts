import { Redis } from "ioredis";

/** BullMQ needs maxRetriesPerRequest: null on its connections; we use the same settings everywhere. */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}
