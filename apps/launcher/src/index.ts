// What `npm start` is made of, for other launchers (the demo) to run Palisade the same way.
export { Palisade, root, type PalisadeApp, type PalisadeOptions } from "./palisade.ts";
export { resolvePostgres, resolveRedis, ServiceUnavailable, type Service } from "./services.ts";
