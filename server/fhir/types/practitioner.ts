import { and, eq, inArray, sql } from "drizzle-orm";
import { memberships, users } from "@/server/db/schema";
import { stringMatch } from "@/server/fhir/params";
import { practitionerResource } from "@/server/fhir/resources/practitioner";
import { fhirType, idParam } from "./definition";

type PractitionerRow = {
  user: Pick<typeof users.$inferSelect, "id" | "name" | "email" | "createdAt">;
  membership: Pick<typeof memberships.$inferSelect, "status">;
};

/**
 * Practitioner: the members of the current practice (active or suspended), the people appointments
 * and notes name. The join keeps to the current practice: the membership policy also shows the
 * caller's own memberships elsewhere.
 */
export const practitionerType = fhirType<PractitionerRow>({
  type: "Practitioner",
  idColumn: users.id,
  patientColumn: null,
  params: {
    name: {
      type: "string",
      documentation: "The start of any word of the name (`:exact`, `:contains`).",
      modifiers: ["exact", "contains"],
      match: (v, m) => stringMatch([users.name], v, m),
    },
    _id: idParam(users.id, "The practitioner's (user's) id."),
  },
  sort: [
    { column: users.name, cast: "text" },
    { column: users.id, cast: "uuid" },
  ],
  sortKey: (r) => [r.user.name, r.user.id],
  rows: (tx, where, orderBy, limit) =>
    tx
      .select({
        user: { id: users.id, name: users.name, email: users.email, createdAt: users.createdAt },
        membership: { status: memberships.status },
      })
      .from(users)
      .innerJoin(
        memberships,
        and(
          eq(memberships.userId, users.id),
          sql`${memberships.orgId} = (select app_org_id())`,
          inArray(memberships.status, ["active", "suspended"]),
        ),
      )
      .where(where)
      .orderBy(...orderBy)
      .limit(limit),
  patientOf: () => null,
  resource: (r) => practitionerResource(r.user, r.membership),
});
