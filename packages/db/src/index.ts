export { Database, tenantUrlFrom } from "./clients.ts";
export type { Tx, DatabaseOptions } from "./clients.ts";
export { migrate, migrationsDir } from "./migrate.ts";
export { PrismaClient, Prisma } from "./generated/client.ts";
export * from "./generated/enums.ts";
export type { Tenant, User, Membership, AccessToken, OperatorToken, PromoCode, TrialRequest, Cluster, RegistrationToken, Email } from "./generated/client.ts";
export { isUniqueViolation } from "./errors.ts";
