import { readFileSync } from "node:fs";
import { parseArgs } from "./args.ts";
import { evalCommand, matchCommand, USAGE, validateCommand, type Output } from "./commands.ts";

const [command, ...rest] = process.argv.slice(2);
const args = parseArgs(rest);
const read = (path: string) => readFileSync(path, "utf8");

let out: Output;
switch (command) {
  case "validate": out = validateCommand(args, read); break;
  case "match": out = matchCommand(args); break;
  case "eval": out = evalCommand(args, read); break;
  default: out = { stdout: [], stderr: [command ? `unknown command ${command}` : "no command", USAGE], code: 2 };
}
if (out.stdout.length > 0) process.stdout.write(out.stdout.join("\n") + "\n");
if (out.stderr.length > 0) process.stderr.write(out.stderr.join("\n") + "\n");
process.exitCode = out.code;
