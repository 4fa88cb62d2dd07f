import { z } from "zod";
import { badInput } from "../errors.ts";

export const distributions = ["EKS", "AKS", "GKE", "OPENSHIFT", "RKE2", "K3S", "KUBEADM", "OTHER"] as const;
export type Distribution = (typeof distributions)[number];

const text = (max: number) => z.string().trim().min(1, "is required").max(max, `must be at most ${max} characters`);

export const trialRequestInput = z.object({
  firstName: text(100),
  lastName: text(100),
  email: z.string().trim().min(1, "is required").max(254, "must be at most 254 characters"),
  company: text(200),
  jobTitle: text(200).nullish(),
  country: text(100).nullish(),
  kubernetesDistribution: z.enum(distributions, { message: `must be one of ${distributions.join(", ")}` }),
  promoCode: z.string().trim().max(100).nullish(),
  acceptTerms: z.boolean(),
});
export type TrialRequestInput = z.output<typeof trialRequestInput>;

/** Parses input with a zod schema; every problem becomes a BAD_USER_INPUT naming its field (the first in the message). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join("."), message: i.message }));
  const first = errors[0]!;
  throw badInput(first.field, `${first.field} ${first.message}`, { errors });
}
