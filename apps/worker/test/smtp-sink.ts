import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  envelopeTo: string[];
  subject: string;
  text: string;
  to: string;
}

export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** mail received for this address so far */
  to(address: string): ReceivedMail[];
  /** answers the next `count` messages to `address` with a temporary failure (451), as a busy mail server does */
  refuse(address: string, count: number): void;
  close(): Promise<void>;
}

/** A real SMTP server on a free port of 127.0.0.1 that keeps every message it accepts, parsed. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const refusals = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const address = session.envelope.rcptTo[0]?.address ?? "";
      const left = refusals.get(address) ?? 0;
      if (left > 0) {
        refusals.set(address, left - 1);
        stream.resume();
        stream.on("end", () => callback(Object.assign(new Error("mailbox busy, try again later"), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail: ParsedMail) => {
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(", ") : (mail.to?.text ?? "");
          received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), subject: mail.subject ?? "", text: mail.text ?? "", to });
          callback();
        })
        .catch((e: Error) => callback(e));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: (address) => received.filter((m) => m.envelopeTo.includes(address)),
    refuse: (address, count) => {
      refusals.set(address, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
