import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` reads this (it needs no database); migrations are applied by
// scripts/migrate.ts as the owner role.
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/db/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
});
