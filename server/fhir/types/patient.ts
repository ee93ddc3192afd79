import { eq, sql } from "drizzle-orm";
import { patients } from "@/server/db/schema";
import { practiceOfMrnSystem } from "@/server/fhir/identifiers";
import { dateColumnMatch, stringMatch, token } from "@/server/fhir/params";
import { patientResource } from "@/server/fhir/resources/patient";
import { fhirType, idParam, tableRows } from "./definition";

const words = ["exact", "contains"] as const;

/** Patient: every chart the caller may see (archived ones as inactive), by name. */
export const patientType = fhirType({
  type: "Patient",
  idColumn: patients.id,
  patientColumn: patients.id,
  params: {
    name: {
      type: "string",
      documentation: "The start of any word of the family, given or preferred name (`:exact`, `:contains`).",
      modifiers: words,
      match: (v, m) => stringMatch([patients.familyName, patients.givenName, patients.preferredName], v, m),
    },
    family: {
      type: "string",
      documentation: "The start of any word of the family name (`:exact`, `:contains`).",
      modifiers: words,
      match: (v, m) => stringMatch([patients.familyName], v, m),
    },
    given: {
      type: "string",
      documentation: "The start of any word of the given or preferred name (`:exact`, `:contains`).",
      modifiers: words,
      match: (v, m) => stringMatch([patients.givenName, patients.preferredName], v, m),
    },
    identifier: {
      type: "token",
      documentation:
        "The MRN: `<system>|<mrn>` with the practice's system, `<mrn>` alone, or `<system>|` for every patient.",
      match: (v) => {
        const { system, code } = token(v);
        if (system === "") return sql`false`; // identifiers here always have a system
        const practice = system === null ? null : practiceOfMrnSystem(system);
        if (system !== null && !practice) return sql`false`;
        const conditions = [
          ...(practice ? [eq(patients.orgId, practice)] : []),
          ...(code !== "" ? [eq(patients.mrn, code)] : []),
        ];
        return conditions.length ? sql.join(conditions, sql` and `) : sql`true`;
      },
    },
    birthdate: {
      type: "date",
      documentation: "The birth date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with `eq` `ne` `gt` `lt` `ge` `le`.",
      match: (v) => dateColumnMatch(patients.birthDate, v),
    },
    _id: idParam(patients.id, "The patient's id."),
  },
  sort: [
    { column: patients.familyName, cast: "text" },
    { column: patients.givenName, cast: "text" },
    { column: patients.id, cast: "uuid" },
  ],
  sortKey: (p) => [p.familyName, p.givenName, p.id],
  rows: tableRows(patients),
  patientOf: (p) => p.id,
  resource: patientResource,
});
