/**
 * `me` under 50 concurrent clients, beside a bare Node HTTP handler answering a constant, both measured in this
 * run on this machine. Each server runs as its own process; autocannon drives them from this one.
 */
import { spawn } from "node:child_process";
import autocannon from "autocannon";
import { createAccessToken } from "@palisade/core";
import { openTestDatabase } from "@palisade/db/testing";
import { freePort, startApiProcess, waitUp } from "./api-process.ts";

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(opts, (err, result) => (err ? reject(err) : resolve(result))));
}

const { db } = await openTestDatabase("palisade_bench");
// cross-tenant: benchmark setup creates its tenant as the owner.
const tenant = await db.system.tenant.create({ data: { slug: `bench-${Date.now()}`, name: "Bench Corp", status: "ACTIVE" } });
const user = await db.system.user.create({ data: { tenantId: tenant.id, email: "bench@bench-corp.com", name: "Bench" } });
await db.system.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "owner" } });
const { token } = await db.system.$transaction((tx) => createAccessToken(tx, { tenantId: tenant.id, userId: user.id, name: "bench" }));
await db.close();

const { child: api, port: apiPort } = await startApiProcess({ REDIS_KEY_PREFIX: "bench" });
const barePort = await freePort();
const bare = spawn(process.execPath, ["-e", `require("http").createServer((q, s) => { s.setHeader("content-type", "application/json"); s.end('{"data":{"ok":true}}'); }).listen(${barePort}, "127.0.0.1")`], {
  stdio: "inherit",
});

try {
  await waitUp(`http://127.0.0.1:${barePort}/`, bare);
  const meRequest = {
    method: "POST" as const,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: "{ me { user { email } tenant { name status } roles } }" }),
  };
  const check = await fetch(`http://127.0.0.1:${apiPort}/graphql`, meRequest).then((r) => r.json());
  if (!(check as { data?: { me?: unknown } }).data?.me) throw new Error(`me did not answer: ${JSON.stringify(check)}`);

  // warm both (JIT, pools), then measure
  await run({ url: `http://127.0.0.1:${apiPort}/graphql`, connections: CONNECTIONS, duration: 2, ...meRequest });
  await run({ url: `http://127.0.0.1:${barePort}/`, connections: CONNECTIONS, duration: 2 });
  const me = await run({ url: `http://127.0.0.1:${apiPort}/graphql`, connections: CONNECTIONS, duration: SECONDS, ...meRequest });
  const baseline = await run({ url: `http://127.0.0.1:${barePort}/`, connections: CONNECTIONS, duration: SECONDS });
  if (me.non2xx > 0 || me.errors > 0) throw new Error(`me answered ${me.non2xx} non-2xx and ${me.errors} errors`);

  const row = (name: string, r: autocannon.Result) =>
    `| ${name} | ${Math.round(r.requests.average).toLocaleString("en")} | ${r.latency.p50} | ${r.latency.p99} |`;
  console.log(`\n\`me\` query, ${CONNECTIONS} concurrent clients, ${SECONDS} s each, same machine, same run\n`);
  console.log("| server | requests/s | p50 ms | p99 ms |\n| --- | --- | --- | --- |");
  console.log(row("Palisade API: me (auth + tenant transaction + GraphQL)", me));
  console.log(row("bare Node HTTP handler, constant answer (baseline)", baseline));
  console.log(`\nratio: the API keeps ${((me.requests.average / baseline.requests.average) * 100).toFixed(1)}% of the bare handler's throughput (aim: at least 25%)\n`);
} finally {
  api.kill("SIGTERM");
  bare.kill("SIGTERM");
}
