import type { Agent } from "node:http";
import { HttpProxyAgent, HttpsProxyAgent } from "hpagent";

/** An agent that tunnels through HTTPS_PROXY (HTTP CONNECT), or none. */
export function proxyAgent(proxy: string | null, target: string): Agent | undefined {
  if (!proxy) return undefined;
  const secure = target.startsWith("https:") || target.startsWith("wss:");
  return secure ? new HttpsProxyAgent({ proxy, keepAlive: false }) : new HttpProxyAgent({ proxy, keepAlive: false });
}
