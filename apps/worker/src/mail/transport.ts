import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "@palisade/config";
import nodemailer from "nodemailer";

export interface OutgoingMail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** SMTP when SMTP_URL is set; otherwise each message becomes an .eml file in the mail folder. */
export function createMailTransport(mail: { smtpUrl: string | undefined; dir: string }, log: Logger): MailTransport {
  if (mail.smtpUrl) {
    const smtp = nodemailer.createTransport(mail.smtpUrl);
    return {
      send: async (m) => {
        await smtp.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, messageId: `<${m.id}@palisade>` });
      },
      close: () => smtp.close(),
    };
  }
  const files = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  let announced = false;
  return {
    send: async (m) => {
      const info = await files.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, messageId: `<${m.id}@palisade>` });
      await mkdir(mail.dir, { recursive: true });
      const file = path.join(mail.dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${m.id}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      if (!announced) {
        log.info({ dir: mail.dir }, `no SMTP_URL set: mail is written as .eml files to ${mail.dir}`);
        announced = true;
      }
      log.info({ file, to: m.to, subject: m.subject }, "mail written");
    },
    close: () => files.close(),
  };
}
