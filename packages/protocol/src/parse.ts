import type { z } from "zod";
import { MAX_MESSAGE_BYTES } from "./limits.ts";
import { apiMessage, connectorMessage, type ApiMessage, type ConnectorMessage } from "./messages.ts";

export type Parsed<T> = { ok: true; message: T } | { ok: false; reason: string };

function parseWith<T>(schema: z.ZodType<T>, raw: string | Buffer, maxBytes: number): Parsed<T> {
  const size = typeof raw === "string" ? Buffer.byteLength(raw) : raw.length;
  if (size > maxBytes) return { ok: false, reason: `message of ${size} bytes is larger than the limit of ${maxBytes} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    return { ok: false, reason: "message is not JSON" };
  }
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, message: r.data };
  const issue = r.error.issues[0]!;
  const at = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  return { ok: false, reason: `invalid message${at}: ${issue.message}` };
}

export function parseConnectorMessage(raw: string | Buffer, maxBytes = MAX_MESSAGE_BYTES): Parsed<ConnectorMessage> {
  return parseWith(connectorMessage, raw, maxBytes);
}

export function parseApiMessage(raw: string | Buffer, maxBytes = MAX_MESSAGE_BYTES): Parsed<ApiMessage> {
  return parseWith(apiMessage, raw, maxBytes);
}

/** Serialise a message; the type parameter keeps each side to its own vocabulary. */
export function encode(message: ConnectorMessage | ApiMessage): string {
  return JSON.stringify(message);
}
