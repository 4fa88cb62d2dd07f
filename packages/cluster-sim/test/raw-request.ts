import { request } from "node:https";
import { serverTls } from "../src/api/tls.ts";

/** One HTTPS request to the simulator with the admin token, answering status and parsed JSON body. */
export function rawRequest(sim: { url: string; adminToken: string }, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, sim.url),
      { method, ca: serverTls().cert, headers: { Authorization: `Bearer ${sim.adminToken}`, "Content-Type": "application/json", ...headers } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => {
          let parsed: unknown = undefined;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body));
  });
}
