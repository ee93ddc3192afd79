import { asc, desc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { audit } from "@/server/audit/record";
import type { Tx } from "@/server/db/client";
import type { FhirCaller } from "@/server/fhir/caller";
import { FhirError, type Issue } from "@/server/fhir/outcome";
import {
  allOf,
  anyOf,
  countParam,
  DEFAULT_COUNT,
  isUuid,
  MAX_COUNT,
  ParamError,
  splitValues,
} from "@/server/fhir/params";
import type { FhirType, SortColumn } from "@/server/fhir/types/definition";

/** What a FHIR interaction runs with: the request's transaction, its caller and how far the scopes reach. */
export interface FhirRequest {
  tx: Tx;
  caller: FhirCaller & { orgId: string };
  requestId: string;
  /** "patient": only `caller.patientId` (a `patient/` scope). */
  reach: "user" | "patient";
  /** The API's base URL (links, fullUrl, absolute references). */
  base: string;
}

const auditCtx = (r: FhirRequest) => ({
  tx: r.tx,
  userId: r.caller.userId,
  orgId: r.caller.orgId,
  requestId: r.requestId,
});
const app = (r: FhirRequest) => (r.caller.clientId ? { app: r.caller.clientId } : {});

/** Only the caller's patient, under a `patient/` scope (on top of what the policies allow). */
function patientLimit<Row>(r: FhirRequest, t: FhirType<Row>): SQL | undefined {
  if (r.reach !== "patient" || !t.patientColumn) return undefined;
  return eq(t.patientColumn, r.caller.patientId!);
}

/** `GET [base]/Type/id`: the row as the policies return it, or 404 exactly as for an id that does not exist. */
export async function readResource<Row>(r: FhirRequest, t: FhirType<Row>, id: string) {
  if (!isUuid(id)) throw FhirError.notFound(t.type, id);
  const [row] = await t.rows(r.tx, allOf([eq(t.idColumn, id), patientLimit(r, t) ?? sql`true`]), [], 1);
  if (!row) throw FhirError.notFound(t.type, id);
  await audit(auditCtx(r), {
    action: "fhir.read",
    entityId: id,
    patientId: t.patientOf(row),
    detail: { resourceType: t.type, ...app(r) },
  });
  return t.resource(row);
}

const CONTROL = new Set(["_count", "_cursor", "_format", "_pretty"]);
const cursorShape = z.object({ d: z.enum(["after", "before"]), k: z.array(z.string()) });
type Cursor = z.infer<typeof cursorShape>;

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
const castable: Record<SortColumn["cast"], (v: string) => boolean> = {
  text: () => true,
  uuid: isUuid,
  timestamptz: (v) => !Number.isNaN(Date.parse(v)),
};

/** A page token of this type's sort, or null when it is not one. */
function decodeCursor(raw: string, sort: SortColumn[]): Cursor | null {
  try {
    const c = cursorShape.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return c.k.length === sort.length && sort.every((s, i) => castable[s.cast](c.k[i]!)) ? c : null;
  } catch {
    return null;
  }
}

interface ParsedSearch {
  conditions: SQL[];
  /** The parameters applied, as the self link repeats them. */
  applied: [string, string][];
  ignored: string[];
  count: number;
  cursor: Cursor | null;
}

/**
 * The search's parameters: each known one → its condition (repeats AND, commas OR); every bad one
 * named in one 400. Unknown parameters are refused (FHIR's `handling=strict`) unless the request
 * prefers `handling=lenient`, which ignores them and says so in the Bundle.
 */
function parseSearch<Row>(t: FhirType<Row>, params: URLSearchParams, base: string, lenient: boolean): ParsedSearch {
  const out: ParsedSearch = { conditions: [], applied: [], ignored: [], count: DEFAULT_COUNT, cursor: null };
  const errors: { param: string; message: string; code?: Issue["code"] }[] = [];
  for (const [key, raw] of params) {
    if (raw === "") continue; // FHIR: a parameter without a value is ignored
    if (CONTROL.has(key)) {
      if (key === "_count") {
        const n = countParam.safeParse(raw);
        if (!n.success) errors.push({ param: key, message: `expected a whole number of at least 1, got "${raw}".` });
        else out.count = Math.min(n.data, MAX_COUNT);
      }
      if (key === "_cursor") {
        out.cursor = decodeCursor(raw, t.sort);
        if (!out.cursor) errors.push({ param: key, message: "not a page token of this search." });
      }
      continue;
    }
    const [name, modifier = null, ...rest] = key.split(":");
    const param = Object.hasOwn(t.params, name!) ? t.params[name!] : undefined;
    if (!param) {
      if (lenient) out.ignored.push(key);
      else errors.push({ param: key, message: `${t.type} has no search parameter "${name}".`, code: "not-supported" });
      continue;
    }
    if (rest.length > 0 || (modifier !== null && !param.modifiers?.includes(modifier))) {
      errors.push({ param: key, message: `the modifier ":${modifier}" is not supported here.`, code: "not-supported" });
      continue;
    }
    try {
      out.conditions.push(anyOf(splitValues(raw).map((v) => param.match(v, modifier, base))));
      out.applied.push([key, raw]);
    } catch (err) {
      if (!(err instanceof ParamError)) throw err;
      errors.push({ param: key, message: err.message });
    }
  }
  if (errors.length > 0) throw FhirError.badParameters(errors);
  return out;
}

/** The keyset condition "after (or before) this row" over the type's sort columns. */
function keyset<Row>(t: FhirType<Row>, cursor: Cursor): SQL {
  const columns = sql.join(
    t.sort.map((s) => sql`${s.column}`),
    sql`, `,
  );
  const values = sql.join(
    t.sort.map((s, i) => sql`${cursor.k[i]}::${sql.raw(s.cast)}`),
    sql`, `,
  );
  return cursor.d === "after" ? sql`(${columns}) > (${values})` : sql`(${columns}) < (${values})`;
}

/**
 * `GET [base]/Type?params`: a searchset Bundle of one page, with self, first, previous and next
 * links (keyset paging: a page token is the sort key of the row it continues from). Audited with
 * the parameter names (never their values) and the patients the page showed.
 */
export async function searchResources<Row>(
  r: FhirRequest,
  t: FhirType<Row>,
  params: URLSearchParams,
  lenient: boolean,
) {
  const s = parseSearch(t, params, r.base, lenient);
  const backwards = s.cursor?.d === "before";
  const orderBy = t.sort.map((c) => (backwards ? desc(c.column) : asc(c.column)));
  const where = allOf(
    [...s.conditions, patientLimit(r, t), s.cursor ? keyset(t, s.cursor) : undefined].filter(
      (c): c is SQL => c !== undefined,
    ),
  );
  const fetched = await t.rows(r.tx, where, orderBy, s.count + 1);
  const more = fetched.length > s.count;
  const page = fetched.slice(0, s.count);
  if (backwards) page.reverse();

  const patientIds = [...new Set(page.map(t.patientOf).filter((id): id is string => id !== null))];
  await audit(auditCtx(r), {
    action: "fhir.search",
    detail: {
      resourceType: t.type,
      parameters: s.applied.map(([k]) => k),
      results: page.length,
      patientIds,
      ...app(r),
    },
  });

  const link = (extra: [string, string][]) => {
    const q = new URLSearchParams([...s.applied, ["_count", String(s.count)], ...extra]);
    return `${r.base}/${t.type}?${q}`;
  };
  const first = page[0];
  const last = page[page.length - 1];
  const hasNext = backwards ? s.cursor !== null : more;
  const hasPrevious = backwards ? more : s.cursor !== null;
  const links = [
    { relation: "self", url: link(s.cursor ? [["_cursor", encodeCursor(s.cursor)]] : []) },
    { relation: "first", url: link([]) },
    ...(hasPrevious && first
      ? [{ relation: "previous", url: link([["_cursor", encodeCursor({ d: "before", k: t.sortKey(first) })]]) }]
      : []),
    ...(hasNext && last
      ? [{ relation: "next", url: link([["_cursor", encodeCursor({ d: "after", k: t.sortKey(last) })]]) }]
      : []),
  ];
  return {
    resourceType: "Bundle" as const,
    type: "searchset" as const,
    link: links,
    entry: [
      ...page.map((row) => {
        const resource = t.resource(row);
        return { fullUrl: `${r.base}/${t.type}/${resource.id}`, resource, search: { mode: "match" as const } };
      }),
      ...(s.ignored.length > 0
        ? [
            {
              resource: {
                resourceType: "OperationOutcome" as const,
                issue: [
                  {
                    severity: "warning" as const,
                    code: "not-supported" as const,
                    diagnostics: `Ignored (handling=lenient): ${s.ignored.join(", ")}.`,
                    location: s.ignored.map((p) => `http.${p}`),
                  },
                ],
              },
              search: { mode: "outcome" as const },
            },
          ]
        : []),
    ],
  };
}
