import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import { spawn } from "node:child_process";
import type { ContainerSpec, Probe } from "./container-env.ts";

/** One probe attempt against the local process: httpGet 200-399, exec exit 0, tcpSocket connect. */
export function probeOnce(probe: Probe, c: ContainerSpec, env: NodeJS.ProcessEnv, cwd: string | undefined): Promise<boolean> {
  const port = (p: number | string) => (typeof p === "number" ? p : (c.ports?.find((x) => x.name === p)?.containerPort ?? Number(p)));
  return new Promise((resolve) => {
    const done = (ok: boolean) => resolve(ok);
    if (probe.httpGet) {
      const req = (probe.httpGet.scheme === "HTTPS" ? httpsRequest : httpRequest)(
        { host: "127.0.0.1", port: port(probe.httpGet.port), path: probe.httpGet.path ?? "/", method: "GET", timeout: 1000, rejectUnauthorized: false },
        (res) => {
          res.resume();
          done((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
        },
      );
      req.on("error", () => done(false));
      req.on("timeout", () => req.destroy());
      req.end();
    } else if (probe.exec) {
      const [cmd, ...args] = probe.exec.command;
      const child = spawn(cmd!, args, { env, cwd, stdio: "ignore" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 1000);
      child.on("error", () => done(false));
      child.on("exit", (code) => {
        clearTimeout(timer);
        done(code === 0);
      });
    } else if (probe.tcpSocket) {
      const s = connect({ host: "127.0.0.1", port: port(probe.tcpSocket.port) });
      s.setTimeout(1000, () => s.destroy());
      s.on("connect", () => {
        s.destroy();
        done(true);
      });
      s.on("error", () => done(false));
      s.on("close", () => done(false));
    } else done(true);
  });
}
