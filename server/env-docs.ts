import { format } from "prettier";
import { envDocs } from "@/server/env";

/** The configuration table, one row per variable (aliases share their row), as Prettier formats it. */
export async function renderConfigTable(): Promise<string> {
  const rows = envDocs().filter(([, d]) => !d.aliasOf);
  const aliases = new Map(envDocs().flatMap(([name, d]) => (d.aliasOf ? [[d.aliasOf, name] as const] : [])));
  const cell = (t: string) => t.replace(/\|/g, "\\|");
  const lines = [
    "| variable | default | meaning |",
    "| --- | --- | --- |",
    ...rows.map(([name, d]) => {
      const names = [name, aliases.get(name)].filter(Boolean).map((n) => `\`${n}\``);
      return `| ${names.join(" / ")} | ${cell(d.fallback)} | ${cell(d.meaning)} |`;
    }),
  ];
  return (await format(lines.join("\n"), { parser: "markdown", printWidth: 120 })).trimEnd() + "\n";
}
