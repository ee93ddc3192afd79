import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "warn",
        { varsIgnorePattern: "^_", argsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  // One path through the code: routers stay thin, domain code knows nothing of tRPC, and every
  // import outside a folder names it from the root.
  {
    files: ["**/*.ts", "**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../*"], message: "Import from the root (@/…) instead of a parent folder." }] },
      ],
    },
  },
  {
    files: ["server/trpc/routers/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["../*"], message: "Import from the root (@/…) instead of a parent folder." },
            {
              group: ["drizzle-orm", "drizzle-orm/*", "@/server/db/schema", "@/server/audit/record", "@/server/errors"],
              message: "A router is one line per procedure: queries, errors and audit rows belong in server/<domain>/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["server/**/*.ts"],
    ignores: ["server/trpc/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["../*"], message: "Import from the root (@/…) instead of a parent folder." },
            {
              group: ["@trpc/server", "@trpc/server/*", "@/server/trpc/*"],
              message: "Domain code throws AppError (server/errors.ts) and knows nothing of tRPC.",
            },
          ],
        },
      ],
    },
  },
  { ignores: [".next/**", ".data/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
];

export default config;
