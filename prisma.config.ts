import { defineConfig } from "prisma/config";

// Only `prisma generate` is run here; migrations are SQL applied by packages/db (see README, "Migrations").
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/palisade" },
});
