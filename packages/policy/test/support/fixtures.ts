import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { parseResources, type Pod, type Resource } from "../../src/index.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

export function fixturePath(rel: string): string {
  return FIXTURES + rel;
}

/** Resources of a fixture file; fails the test on any parse or validation error. */
export function loadFixture(rel: string, namespace?: string): Resource[] {
  const text = readFileSync(fixturePath(rel), "utf8");
  const { resources, errors } = parseResources(text);
  if (errors.length > 0) throw new Error(`${rel}: ${JSON.stringify(errors)}`);
  const pods = podsFromDeployments(text);
  const all = [...resources, ...pods];
  // `kubectl apply -n <namespace>` for manifests that carry no namespace.
  return namespace ? all.map((r) => ({ ...r, metadata: { ...r.metadata, namespace: r.metadata.namespace ?? namespace } }) as Resource) : all;
}

/** One pod per Deployment (the demo runs one replica), named after the Deployment. */
function podsFromDeployments(text: string): Pod[] {
  const pods: Pod[] = [];
  for (const doc of parseAllDocuments(text)) {
    const d = doc.toJS() as { kind?: string; metadata?: { name: string; namespace?: string }; spec?: { template?: { metadata?: { labels?: Record<string, string> }; spec?: Pod["spec"] } } } | null;
    if (d?.kind !== "Deployment" || !d.metadata) continue;
    pods.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: d.metadata.name, namespace: d.metadata.namespace ?? "default", labels: d.spec?.template?.metadata?.labels ?? {} },
      spec: d.spec?.template?.spec ?? {},
    });
  }
  return pods;
}
