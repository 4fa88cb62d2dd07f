import { createOperatorToken, provisionTenant } from "@palisade/core";
import type { Database } from "@palisade/db";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, openApiDatabase, startApi, testConfig, type RunningApi } from "../../../test/api-harness.ts";
import { createPromo, requestTrial, trialInput } from "../../../test/signups.ts";

const SUBSCRIBE = `subscription ($id: ID!) { trialRequest(id: $id) { id status } }`;

let db: Database;
/** two API processes sharing one Redis and one prefix, as replicas do */
let one: RunningApi;
let two: RunningApi;
let client: Client;

beforeAll(async () => {
  db = await openApiDatabase();
  const config = testConfig();
  one = await startApi(buildDeps(db, config));
  two = await startApi(buildDeps(db, config));
  client = two.ws();
});
afterAll(async () => {
  await client?.dispose();
  await Promise.all([one?.stop(), two?.stop()]);
  await db?.close();
});

/** Reads statuses from a subscription on API #2 until `count` have arrived. */
function statuses(id: string) {
  const seen: string[] = [];
  const errors: unknown[] = [];
  let done = false;
  const stop = client.subscribe<{ trialRequest: { id: string; status: string } }>(
    { query: SUBSCRIBE, variables: { id } },
    {
      next: (r) => {
        if (r.errors) errors.push(r.errors);
        if (r.data) seen.push(r.data.trialRequest.status);
      },
      error: (e) => errors.push(e),
      complete: () => (done = true),
    },
  );
  return { seen, errors, stop, done: () => done };
}

describe("subscription trialRequest(id)", () => {
  it("starts with the current status, then follows provisioning run by another process: APPROVED -> PROVISIONING -> READY", async () => {
    const promo = await createPromo(db);
    const created = (await requestTrial(one, trialInput({ promoCode: promo.code }))).data!.requestTrial;
    const sub = statuses(created.id);
    try {
      await expect.poll(() => sub.seen).toEqual(["APPROVED"]);
      await provisionTenant(one.deps, created.id);
      await expect.poll(() => sub.seen).toEqual(["APPROVED", "PROVISIONING", "READY"]);
      expect(sub.errors).toEqual([]);
    } finally {
      sub.stop();
    }
  });

  it("sees an operator's approval made through the other API", async () => {
    const operator = await createOperatorToken(db, "subscription test");
    const created = (await requestTrial(one, trialInput())).data!.requestTrial;
    const sub = statuses(created.id);
    try {
      await expect.poll(() => sub.seen).toEqual(["PENDING_REVIEW"]);
      const approved = await one.gql(`mutation ($id: ID!) { approveTrialRequest(id: $id) { status } }`, { id: created.id }, operator);
      expect(approved.errors).toBeUndefined();
      await expect.poll(() => sub.seen).toEqual(["PENDING_REVIEW", "APPROVED"]);
    } finally {
      sub.stop();
    }
  });

  it("completes at once, telling nothing, for an unknown id", async () => {
    const sub = statuses("00000000-0000-4000-8000-000000000000");
    await expect.poll(() => sub.done()).toBe(true);
    expect(sub.seen).toEqual([]);
    expect(sub.errors).toEqual([]);
  });
});
