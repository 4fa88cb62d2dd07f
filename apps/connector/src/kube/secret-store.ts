import type { CoreV1Api, V1Secret } from "@kubernetes/client-node";

export interface ConnectorSecret {
  apiUrl: string;
  registrationToken: string | null;
  credential: string | null;
}

const decode = (s: V1Secret, key: string) => (s.data?.[key] ? Buffer.from(s.data[key]!, "base64").toString("utf8") : null);

/** The connector's Secret: Palisade's address and either the one-time token or the cluster credential. */
export class SecretStore {
  constructor(
    private readonly core: CoreV1Api,
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  async read(): Promise<ConnectorSecret> {
    const s = await this.core.readNamespacedSecret({ name: this.name, namespace: this.namespace });
    const apiUrl = decode(s, "PALISADE_API_URL");
    if (!apiUrl) throw new Error(`secret ${this.namespace}/${this.name} has no PALISADE_API_URL`);
    return { apiUrl, registrationToken: decode(s, "PALISADE_REGISTRATION_TOKEN"), credential: decode(s, "PALISADE_CLUSTER_CREDENTIAL") };
  }

  /**
   * Keeps the credential and forgets the registration token, also from kubectl's last-applied annotation
   * (which holds the Secret as the installer applied it).
   */
  async saveCredential(credential: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const s = await this.core.readNamespacedSecret({ name: this.name, namespace: this.namespace });
      const data = { ...(s.data ?? {}) };
      delete data.PALISADE_REGISTRATION_TOKEN;
      data.PALISADE_CLUSTER_CREDENTIAL = Buffer.from(credential).toString("base64");
      const annotations = { ...(s.metadata?.annotations ?? {}) };
      delete annotations["kubectl.kubernetes.io/last-applied-configuration"];
      const body: V1Secret = { ...s, data, stringData: undefined, metadata: { ...s.metadata, annotations } };
      try {
        await this.core.replaceNamespacedSecret({ name: this.name, namespace: this.namespace, body });
        return;
      } catch (e) {
        if ((e as { code?: number }).code === 409 && attempt < 5) continue; // changed meanwhile: read again
        throw e;
      }
    }
  }
}
