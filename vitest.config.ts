import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files in the order the mutation runner (scripts/mutants) names in MUTANT_TEST_ORDER, a JSON
 * list of paths: the test likeliest to kill the mutant runs first.
 */
class GivenOrder extends BaseSequencer {
  async sort(files: TestSpecification[]) {
    const order: string[] = JSON.parse(process.env.MUTANT_TEST_ORDER ?? "[]");
    const rank = (f: TestSpecification) => {
      const i = order.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? order.length : i;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

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
    ...(process.env.MUTANT_TEST_ORDER && {
      sequence: { sequencer: GivenOrder },
    }),
  },
});
