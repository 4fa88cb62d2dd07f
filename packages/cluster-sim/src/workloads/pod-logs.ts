import type { SubresourceHandler } from "../api/resource-handlers.ts";
import { ApiError } from "../api/status.ts";

const MAX_BYTES = 1 << 20;

/** What each pod's containers wrote to stdout and stderr, kept after the pod is gone. */
export class PodLogs {
  private readonly logs = new Map<string, string>();
  private readonly followers = new Map<string, Set<(chunk: string) => void>>();

  append(ns: string, pod: string, chunk: string): void {
    const k = `${ns}/${pod}`;
    let text = (this.logs.get(k) ?? "") + chunk;
    if (text.length > MAX_BYTES) text = text.slice(text.length - MAX_BYTES);
    this.logs.set(k, text);
    for (const f of this.followers.get(k) ?? []) f(chunk);
  }

  get(ns: string, pod: string): string {
    return this.logs.get(`${ns}/${pod}`) ?? "";
  }

  follow(ns: string, pod: string, f: (chunk: string) => void): () => void {
    const k = `${ns}/${pod}`;
    let set = this.followers.get(k);
    if (!set) this.followers.set(k, (set = new Set()));
    set.add(f);
    return () => set.delete(f);
  }

  /** GET /api/v1/namespaces/NS/pods/NAME/log with tailLines and follow, as `kubectl logs` calls it. */
  handler(podExists: (ns: string, name: string) => boolean): SubresourceHandler {
    return ({ req, res, url, info }) => {
      if (req.method !== "GET") throw new ApiError(405, "MethodNotAllowed", "only GET is allowed on pods/log");
      const ns = info.namespace!;
      const name = info.name!;
      if (!podExists(ns, name)) throw new ApiError(404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" });
      let text = this.get(ns, name);
      const tail = url.searchParams.get("tailLines");
      if (tail) {
        const lines = text.split("\n");
        if (lines.at(-1) === "") lines.pop();
        text = lines.slice(-Number(tail)).map((l) => l + "\n").join("");
      }
      res.writeHead(200, { "Content-Type": "text/plain" });
      if (url.searchParams.get("follow") !== "true") {
        res.end(text);
        return;
      }
      res.write(text);
      res.on("error", () => res.destroy());
      const stop = this.follow(ns, name, (chunk) => {
        if (!res.writableEnded && !res.destroyed) res.write(chunk);
      });
      res.on("close", stop);
    };
  }
}
