import { defineConfig } from "drizzle-kit";

// drizzle-kit only generates SQL here; wrangler applies it (migrations_dir in wrangler.toml).
export default defineConfig({
  dialect: "sqlite",
  schema: "./workers/db/schema.ts",
  out: "./migrations",
});
