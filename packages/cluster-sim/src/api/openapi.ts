import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./status.ts";
import { sendJson } from "./http-io.ts";

/**
 * kubectl fetches OpenAPI for client-side validation and for strategic-merge lookups. This
 * server publishes no schemas: /openapi/v2 answers an empty document (in protobuf when asked, as
 * kubectl 1.20 asks; kubectl skips validation of kinds with no schema and falls back to its
 * built-in types for patches), and /openapi/v3 answers 404 so kubectl 1.2x falls back to v2.
 * Objects are therefore not schema-validated here; kubectl's --validate is harmless either way.
 */
export function serveOpenApi(req: IncomingMessage, res: ServerResponse, path: string, _url: URL): void {
  if (path === "/openapi/v2") {
    const accept = String(req.headers.accept ?? "");
    if (accept.includes("protobuf")) {
      // openapi_v2.Document { swagger: "2.0" }: field 1, wire type 2, length 3.
      const body = Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]);
      res.writeHead(200, { "Content-Type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", "Content-Length": body.length });
      res.end(body);
      return;
    }
    return sendJson(res, 200, { swagger: "2.0", info: { title: "Kubernetes (palisade cluster-sim)", version: "v1.30.0" }, paths: {}, definitions: {} });
  }
  throw new ApiError(404, "NotFound", "the server could not find the requested resource");
}
