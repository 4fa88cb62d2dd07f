import type { Prisma } from "@palisade/db";
import type { JobQueue } from "../jobs/queue.ts";
import type { Message } from "./templates.ts";

type EmailWriter = { email: { create(args: { data: Prisma.EmailUncheckedCreateInput }): Promise<{ id: string }> } };

/**
 * Writes a message to the outbox in the caller's transaction; after the transaction commits, call
 * `dispatchEmails` with the ids so the send-email job delivers them. A crash in between leaves the row
 * unsent, and whoever retries the surrounding work dispatches it again (the job id makes that idempotent).
 */
export async function queueEmail(tx: EmailWriter, a: { tenantId?: string | null; kind: string; to: string; message: Message }): Promise<string> {
  const row = await tx.email.create({ data: { tenantId: a.tenantId ?? null, kind: a.kind, to: a.to, subject: a.message.subject, text: a.message.text } });
  return row.id;
}

export async function dispatchEmails(jobs: JobQueue, ids: readonly string[]): Promise<void> {
  for (const emailId of ids) await jobs.enqueue("send-email", { emailId });
}
