import type { WorkerDeps } from "../deps.ts";

/**
 * Sends one outbox message and then erases its body, so a credential in it lives only in the recipient's
 * mailbox. Sent messages are skipped, so a retried job sends nothing twice (unless the process died
 * between sending and recording, the one window SMTP leaves open).
 */
export async function sendEmail(deps: WorkerDeps, payload: { emailId: string }): Promise<void> {
  // cross-tenant: the outbox is the system's.
  const mail = await deps.db.system.email.findUnique({ where: { id: payload.emailId } });
  if (!mail || mail.sentAt || mail.text === null) return;
  await deps.db.system.email.update({ where: { id: mail.id }, data: { attempts: { increment: 1 } } });
  try {
    await deps.mail.send({ id: mail.id, from: deps.config.mail.from, to: mail.to, subject: mail.subject, text: mail.text });
  } catch (e) {
    await deps.db.system.email.update({ where: { id: mail.id }, data: { lastError: (e as Error).message.slice(0, 1000) } });
    throw e;
  }
  await deps.db.system.email.update({ where: { id: mail.id }, data: { sentAt: deps.now(), text: null, lastError: null } });
}
