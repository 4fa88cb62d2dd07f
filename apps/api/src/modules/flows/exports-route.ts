import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { AppError, authenticate, findFlowExport, unauthenticated, type PrincipalCache } from "@palisade/core";
import express from "express";
import type { ApiDeps } from "../../deps.ts";

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, BAD_USER_INPUT: 400 };

/**
 * GET /flows/exports/<id>: a finished export's file, for `Authorization: Bearer <access token>` of a user who
 * may list the cluster's flow logs (flowExportStatus's rule); another tenant's id is not found.
 */
export function flowExportsRouter(deps: ApiDeps, principals: PrincipalCache): express.Router {
  const router = express.Router();
  router.get("/:id", async (req, res) => {
    try {
      const header = req.headers.authorization;
      if (!header || !/^Bearer\s+/i.test(header)) throw unauthenticated();
      const principal = await authenticate(deps.db, deps.config, header.replace(/^Bearer\s+/i, ""), deps.now(), principals);
      if (principal.kind !== "user") throw new AppError("FORBIDDEN", "exports belong to a tenant's users");
      const subject = { tenantId: principal.tenantId, userId: principal.userId, tokenId: principal.tokenId, display: principal.email, roles: principal.roles };
      const row = await deps.db.withTenant(subject.tenantId, (tx) => findFlowExport(tx, subject, req.params.id, deps.now()));
      if (row.status !== "DONE" || !row.file) throw new AppError("CONFLICT", `flow export ${row.id} is ${row.status}, not DONE`);
      const file = path.join(deps.config.flows.exportDir, row.file);
      const size = (await stat(file).catch(() => null))?.size;
      if (size === undefined) throw new AppError("NOT_FOUND", `flow export ${row.id} not found`);
      res.setHeader("content-type", row.format === "CSV" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8");
      res.setHeader("content-length", String(size));
      res.setHeader("content-disposition", `attachment; filename="flows-${row.id}.${row.format === "CSV" ? "csv" : "jsonl"}"`);
      await pipeline(createReadStream(file), res);
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof AppError && STATUS[e.code]) {
        res.status(STATUS[e.code]!).json({ errors: [{ message: e.message, extensions: { code: e.code } }] });
        return;
      }
      deps.log.error({ err: e }, "flow export download failed");
      res.status(500).json({ errors: [{ message: "internal error", extensions: { code: "INTERNAL" } }] });
    }
  });
  return router;
}
