import path from "node:path";
import { defineConfig } from "vitest/config";

// `npm run test:ha`: the fault tests on the HA topology (ha/), which they bring up themselves.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "../..") } },
  test: {
    include: ["tests/ha/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 900_000,
  },
});
