/** The codes a client can see in `extensions.code`. */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "INTERNAL";

/**
 * The one error type domain code throws. The edge (GraphQL, HTTP) formats it; anything else that escapes is
 * logged with the request id and shown as INTERNAL.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** the input field or path the error concerns, e.g. `input.email` */
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badInput = (field: string, message: string, details?: Record<string, unknown>) =>
  new AppError("BAD_USER_INPUT", message, field, details);
export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const forbidden = (message: string) => new AppError("FORBIDDEN", message);
export const unauthenticated = (message = "a valid access token is required (Authorization: Bearer <token>)") =>
  new AppError("UNAUTHENTICATED", message);
export const conflict = (message: string, details?: Record<string, unknown>) => new AppError("CONFLICT", message, undefined, details);
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new AppError("RATE_LIMITED", message, undefined, { retryAfterSeconds });
