import { count } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { hashPassword } from "../../auth/password";
import { ownerConnection } from "../owner";
import * as schema from "../schema";
import { DEMO_PASSWORD, demoOrgs, demoPatients, demoUsers, type DemoOrgKey, type DemoUserKey } from "./demo-data";

/**
 * Seeds the demo practice through the owner connection, in one transaction, only into an
 * empty database: it never touches a database that already holds an organization.
 * Returns false when it left the database alone.
 */
export async function seedDemo(ownerUrl: string): Promise<boolean> {
  const client = ownerConnection(ownerUrl);
  const db = drizzle({ client, schema, casing: "snake_case" });
  try {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    return await db.transaction(async (tx) => {
      await tx.execute("lock table organizations in exclusive mode");
      const [{ n }] = await tx.select({ n: count() }).from(schema.organizations);
      if (n > 0) return false;

      const orgIds = {} as Record<DemoOrgKey, string>;
      for (const [key, org] of Object.entries(demoOrgs) as [DemoOrgKey, (typeof demoOrgs)[DemoOrgKey]][]) {
        const [row] = await tx.insert(schema.organizations).values(org).returning({ id: schema.organizations.id });
        orgIds[key] = row.id;
      }
      const userIds = {} as Record<DemoUserKey, string>;
      for (const [key, u] of Object.entries(demoUsers) as [DemoUserKey, (typeof demoUsers)[DemoUserKey]][]) {
        const [row] = await tx
          .insert(schema.users)
          .values({ email: u.email, name: u.name, passwordHash, emailVerifiedAt: new Date() })
          .returning({ id: schema.users.id });
        userIds[key] = row.id;
        await tx
          .insert(schema.memberships)
          .values(u.memberships.map((m) => ({ userId: row.id, orgId: orgIds[m.org], role: m.role })));
      }

      const adminOf = (org: DemoOrgKey) => userIds[org === "northside" ? "northAdmin" : "lakeAdmin"];
      const tomorrow = new Date(Date.now() + 24 * 3600_000);
      tomorrow.setUTCHours(15, 0, 0, 0);
      for (const [i, p] of demoPatients.entries()) {
        const orgId = orgIds[p.org];
        const [row] = await tx
          .insert(schema.patients)
          .values({
            orgId,
            mrn: p.mrn,
            givenName: p.givenName,
            familyName: p.familyName,
            birthDate: p.birthDate,
            sex: p.sex,
            phone: `555-01${String(i % 100).padStart(2, "0")}`,
            email: `${p.givenName.toLowerCase()}.${p.familyName.toLowerCase()}@example.test`,
            createdBy: adminOf(p.org),
          })
          .returning({ id: schema.patients.id });
        if (p.team.length === 0) continue;
        await tx
          .insert(schema.careTeam)
          .values(p.team.map((u) => ({ orgId, clinicianId: userIds[u], patientId: row.id, assignedBy: adminOf(p.org) })));
        const lead = userIds[p.team[0]];
        await tx.insert(schema.appointments).values([
          {
            orgId,
            patientId: row.id,
            clinicianId: lead,
            startsAt: new Date(tomorrow.getTime() + (i % 8) * 1800_000),
            endsAt: new Date(tomorrow.getTime() + (i % 8) * 1800_000 + 1800_000),
            reason: "Demo follow-up visit",
          },
          {
            orgId,
            patientId: row.id,
            clinicianId: lead,
            startsAt: new Date(Date.now() - (30 + i) * 24 * 3600_000),
            endsAt: new Date(Date.now() - (30 + i) * 24 * 3600_000 + 1800_000),
            status: "completed",
            reason: "Demo annual check-up",
          },
        ]);
        await tx.insert(schema.clinicalNotes).values({
          orgId,
          patientId: row.id,
          authorId: lead,
          body: "Demo note: routine review, no concerns. (Invented text for the demo practice.)",
        });
      }
      return true;
    });
  } finally {
    await client.end();
  }
}
