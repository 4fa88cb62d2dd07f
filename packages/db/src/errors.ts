import { Prisma } from "./generated/client.ts";

/** true when a Prisma call failed on a unique constraint (optionally: on one of these columns) */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}
