/**
 * The schemas of a `search_path=…` setting as PostgreSQL stores it in `proconfig`: comma
 * separated, identifiers double-quoted when needed (`""` is a quote inside). A quoted
 * `"pg_catalog, pg_temp"` is ONE schema of that name, so splitting on commas alone would be wrong.
 */
export function searchPathSchemas(value: string): string[] {
  const schemas: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"' && quoted && value[i + 1] === '"') {
      current += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === "," && !quoted) {
      schemas.push(current);
      current = "";
    } else if (quoted || !/\s/.test(ch)) current += ch;
  }
  schemas.push(current);
  return schemas;
}

/**
 * A definer function's search_path is safe when it is pinned and either empty (every name
 * schema-qualified) or ends in pg_temp: otherwise PostgreSQL searches the caller's pg_temp
 * first, and a caller's temporary type or table would be resolved inside the definer's rights.
 */
export function isSafeSearchPath(value: string | null): boolean {
  if (value === null) return false;
  const schemas = searchPathSchemas(value);
  return (schemas.length === 1 && schemas[0] === "") || schemas.at(-1) === "pg_temp";
}
