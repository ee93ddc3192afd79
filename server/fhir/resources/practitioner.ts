import type { memberships, users } from "@/server/db/schema";
import { meta } from "./common";

/*
 * A member of the practice → one FHIR R4 Practitioner, whose id is the user's id (the id appointments
 * and notes refer to). The account's name is one string as people wrote it, so it is the name's text
 * rather than a guess at family and given names.
 */

type UserRow = Pick<typeof users.$inferSelect, "id" | "name" | "email" | "createdAt">;
type MembershipRow = Pick<typeof memberships.$inferSelect, "status">;

export function practitionerResource(user: UserRow, membership: MembershipRow) {
  return {
    resourceType: "Practitioner" as const,
    id: user.id,
    meta: meta(user.createdAt),
    active: membership.status === "active",
    name: [{ use: "official" as const, text: user.name }],
    telecom: [{ system: "email" as const, value: user.email, use: "work" as const }],
  };
}

export type FhirPractitioner = ReturnType<typeof practitionerResource>;
