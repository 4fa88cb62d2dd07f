import { AppError } from "@palisade/core";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Logger } from "@palisade/config";
import { fieldOfVariableError } from "./variable-errors.ts";

const OUR_CODES = new Set(["BAD_USER_INPUT", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "RATE_LIMITED", "INTERNAL"]);

/**
 * The one place errors become what a client sees: an AppError keeps its code, message and field; GraphQL's
 * own validation errors are BAD_USER_INPUT (GRAPHQL_VALIDATION_FAILED / PARSE_FAILED keep Apollo's code in
 * `extensions.reason`); anything else is logged with the request id and shown as INTERNAL with that id only.
 */
export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    const requestId = (formatted.extensions?.requestId as string | undefined) ?? undefined;
    if (original instanceof AppError) {
      return {
        message: original.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: original.code, ...(original.field ? { field: original.field } : {}), ...(original.details ?? {}) },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && OUR_CODES.has(code) && code !== "INTERNAL") {
      const field = code === "BAD_USER_INPUT" ? fieldOfVariableError(formatted.message) : undefined;
      return { message: formatted.message.replace(/^Context creation failed: /, ""), extensions: { code, ...(field ? { field } : {}) } };
    }
    if (code === "GRAPHQL_PARSE_FAILED" || code === "GRAPHQL_VALIDATION_FAILED" || code === "BAD_REQUEST") {
      return { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), extensions: { code: "BAD_USER_INPUT", reason: code } };
    }
    if (code === "PERSISTED_QUERY_NOT_FOUND" || code === "PERSISTED_QUERY_NOT_SUPPORTED" || code === "OPERATION_RESOLUTION_FAILURE") {
      return { message: formatted.message, extensions: { code: "BAD_USER_INPUT", reason: code } };
    }
    log.error({ err: original, requestId, path: formatted.path }, "unexpected error");
    return {
      message: `internal error${requestId ? ` (request ${requestId})` : ""}`,
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: "INTERNAL", ...(requestId ? { requestId } : {}) },
    };
  };
}
