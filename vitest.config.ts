import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/**/*.test.ts"],
    // The HA fault tests need the Patroni cluster (`npm run test:ha`, tests/ha/vitest.config.ts).
    exclude: [...configDefaults.exclude, "tests/ha/**"],
    globalSetup: ["tests/global-setup.ts"],
    // One real database for the run; files run one after another so row counts stay meaningful.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
