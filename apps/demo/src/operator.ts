import type { Config } from "@palisade/config";
import { createOperatorToken } from "@palisade/core";
import { Database, tenantUrlFrom } from "@palisade/db";
import { must } from "./graphql.ts";

export const DEMO_PROMO_CODE = "PALISADE-DEMO";

/** A new operator token, made the way `npm run operator:token` makes one. */
export async function operatorToken(ownerUrl: string, config: Readonly<Config>): Promise<string> {
  const db = new Database({ ownerUrl, tenantUrl: tenantUrlFrom(ownerUrl, config.database.appRole, config.database.appPassword), poolSize: 1 });
  try {
    return await createOperatorToken(db, `npm run demo ${new Date().toISOString()}`);
  } finally {
    await db.close();
  }
}

interface Promo {
  code: string;
  active: boolean;
  autoApprove: boolean;
  maxUses: number | null;
  uses: number;
  expiresAt: string | null;
  distributions: string[];
}

/** The demo's promo code, created through the operators' API when missing and made usable when it is not. */
export async function ensureDemoPromoCode(url: string, operator: string): Promise<string> {
  const { promoCodes } = await must<{ promoCodes: Promo[] }>("listing promo codes", url, `{ promoCodes { code active autoApprove maxUses uses expiresAt distributions } }`, {}, operator);
  const promo = promoCodes.find((p) => p.code === DEMO_PROMO_CODE);
  const usable = { description: "npm run demo: approves the demo tenant at once", autoApprove: true, maxUses: null, expiresAt: null, distributions: [], active: true };
  if (!promo) {
    await must("creating the demo promo code", url, `mutation ($input: CreatePromoCodeInput!) { createPromoCode(input: $input) { code } }`, { input: { code: DEMO_PROMO_CODE, ...usable } }, operator);
  } else if (!promo.active || !promo.autoApprove || promo.maxUses !== null || promo.expiresAt !== null || promo.distributions.length > 0) {
    await must("updating the demo promo code", url, `mutation ($input: UpdatePromoCodeInput!) { updatePromoCode(code: "${DEMO_PROMO_CODE}", input: $input) { code } }`, { input: usable }, operator);
  }
  return DEMO_PROMO_CODE;
}
