import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";

export interface Credentials {
  accessToken: string;
  installCommand: string;
}

/**
 * The credentials email sent to `email`, from the .eml files the worker writes when no SMTP server is
 * configured: the access token and the install command it carries. Null until it is there.
 */
export async function findCredentialsMail(mailDir: string, email: string): Promise<Credentials | null> {
  let files: string[];
  try {
    files = readdirSync(mailDir).filter((f) => f.endsWith(".eml"));
  } catch {
    return null;
  }
  for (const f of files.sort().reverse()) {
    const mail = await simpleParser(readFileSync(path.join(mailDir, f)));
    const to = [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address?.toLowerCase()));
    if (!to.includes(email.toLowerCase()) || !/credentials/i.test(mail.subject ?? "")) continue;
    const text = mail.text ?? "";
    const accessToken = /pat_[0-9A-Za-z]{40}/.exec(text)?.[0];
    const installCommand = /curl -s \S+--management_install\.sh \| bash/.exec(text)?.[0];
    if (!accessToken || !installCommand) throw new Error(`the credentials email ${path.join(mailDir, f)} holds no access token or install command`);
    return { accessToken, installCommand };
  }
  return null;
}
