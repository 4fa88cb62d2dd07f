import type { Principal } from "@palisade/core";
import type { Logger } from "@palisade/config";
import type { ApiDeps } from "../deps.ts";

/** What every resolver receives. The principal is null for anonymous callers (signup is public). */
export interface Context {
  deps: ApiDeps;
  principal: Principal | null;
  requestId: string;
  clientAddress: string | null;
  log: Logger;
}
