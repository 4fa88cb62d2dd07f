import { randomBytes } from "node:crypto";
import { findCredentialsMail } from "./credentials-mail.ts";
import { graphql, must } from "./graphql.ts";
import { readState, writeState, type DemoState } from "./state.ts";
import { until } from "./wait.ts";

export interface DemoTenant extends DemoState {
  /** a one-time install command for the tenant's cluster */
  installCommand: string;
  /** true when the tenant of an earlier run on this data dir was reused */
  reused: boolean;
}

interface Options {
  url: string;
  operator: string;
  promoCode: string;
  mailDir: string;
  dataDir: string;
  say: (m: string) => void;
  signal?: AbortSignal;
}

/**
 * The demo tenant. An earlier run's tenant (DATA_DIR/demo/state.json) is reused when its token still
 * works and its cluster still exists, with a new registration token for the install command; otherwise a
 * new tenant signs up with the promo code, as a user would, and its credentials come from the email.
 */
export async function demoTenant(o: Options): Promise<DemoTenant> {
  const earlier = readState(o.dataDir);
  if (earlier) {
    const reused = await reuse(o.url, earlier);
    if (reused) {
      o.say(`reusing the demo tenant ${earlier.email} and its cluster ${earlier.clusterName} from an earlier run`);
      return reused;
    }
    o.say(`the demo tenant of an earlier run (${earlier.email}) is gone from this database; signing up a new one`);
  }
  const tenant = await signUp(o);
  writeState(o.dataDir, { email: tenant.email, accessToken: tenant.accessToken, clusterId: tenant.clusterId, clusterName: tenant.clusterName });
  return tenant;
}

async function reuse(url: string, s: DemoState): Promise<DemoTenant | null> {
  const r = await graphql<{ me: { user: { email: string } }; cluster: { id: string; name: string } | null }>(url, `query ($id: ID!) { me { user { email } } cluster(id: $id) { id name } }`, { id: s.clusterId }, s.accessToken);
  if (r.errors?.length || !r.data?.cluster) return null;
  const { issueRegistrationToken } = await must<{ issueRegistrationToken: { installCommand: string } }>(
    "issuing a registration token",
    url,
    `mutation ($id: ID!) { issueRegistrationToken(clusterId: $id) { installCommand } }`,
    { id: s.clusterId },
    s.accessToken,
  );
  return { ...s, clusterName: r.data.cluster.name, installCommand: issueRegistrationToken.installCommand, reused: true };
}

async function signUp(o: Options): Promise<DemoTenant> {
  const id = randomBytes(3).toString("hex");
  const email = `demo-${id}@storefront.example`;
  o.say(`signing up the demo tenant ${email} with promo code ${o.promoCode}`);
  const { requestTrial } = await must<{ requestTrial: { id: string; status: string } }>(
    "signing up",
    o.url,
    `mutation ($input: TrialRequestInput!) { requestTrial(input: $input) { id status } }`,
    {
      input: {
        firstName: "Demo",
        lastName: "User",
        email,
        company: `Storefront Demo ${id}`,
        kubernetesDistribution: "EKS",
        promoCode: o.promoCode,
        acceptTerms: true,
      },
    },
  );
  await until(
    "the demo tenant to be provisioned",
    async () => {
      const { trialRequests } = await must<{ trialRequests: { id: string; status: string; reason: string | null }[] }>("reading trial requests", o.url, `{ trialRequests { id status reason } }`, {}, o.operator);
      const mine = trialRequests.find((t) => t.id === requestTrial.id);
      if (mine?.status === "FAILED" || mine?.status === "REJECTED") throw new Error(`the demo signup was ${mine.status}: ${mine.reason ?? "no reason given"}`);
      return mine?.status === "READY";
    },
    60_000,
    o.signal,
  );
  const mail = await until("the credentials email in " + o.mailDir, () => findCredentialsMail(o.mailDir, email), 60_000, o.signal);
  const { clusters } = await must<{ clusters: { id: string; name: string }[] }>("listing clusters", o.url, `{ clusters { id name } }`, {}, mail.accessToken);
  const cluster = clusters[0];
  if (!cluster) throw new Error("the demo tenant was provisioned without a cluster");
  return { email, accessToken: mail.accessToken, clusterId: cluster.id, clusterName: cluster.name, installCommand: mail.installCommand, reused: false };
}
