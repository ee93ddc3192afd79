import { count } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { encryptSecret, totpPurpose } from "@/server/auth/mfa-crypto";
import { hashPassword } from "@/server/auth/password";
import { ownerConnection } from "@/server/db/owner";
import * as schema from "@/server/db/schema";
import { seedDemoEssentials } from "./demo-essentials";
import {
  DEMO_PASSWORD,
  DEMO_TOTP_SECRET,
  demoCoverage,
  demoOrgs,
  demoPatients,
  demoUsers,
  type DemoOrgKey,
  type DemoUserKey,
} from "./demo-data";

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
        // Enrolled in two-factor with the documented demo secret (the practices keep the default policy).
        await tx.insert(schema.userMfa).values({
          userId: row.id,
          secretEnc: encryptSecret(DEMO_TOTP_SECRET, totpPurpose(row.id)),
          confirmedAt: new Date(),
        });
        await tx
          .insert(schema.memberships)
          .values(u.memberships.map((m) => ({ userId: row.id, orgId: orgIds[m.org], role: m.role })));
      }

      const adminOf = (org: DemoOrgKey) => userIds[org === "northside" ? "northAdmin" : "lakeAdmin"];
      const tomorrow = new Date(Date.now() + 24 * 3600_000);
      tomorrow.setUTCHours(15, 0, 0, 0);
      const patientIds = new Map<string, { id: string; orgId: string; noteId: string; lead: string }>();
      const slots = new Map<string, number>();
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
          .values(
            p.team.map((u) => ({ orgId, clinicianId: userIds[u], patientId: row.id, assignedBy: adminOf(p.org) })),
          );
        const lead = userIds[p.team[0]];
        // One 30-minute slot after another per clinician: a clinician's visits never overlap.
        const n = slots.get(lead) ?? 0;
        slots.set(lead, n + 1);
        const visitAt = tomorrow.getTime() + (n % 16) * 1800_000 + Math.floor(n / 16) * 86_400_000;
        await tx.insert(schema.appointments).values([
          {
            orgId,
            patientId: row.id,
            clinicianId: lead,
            startsAt: new Date(visitAt),
            endsAt: new Date(visitAt + 1800_000),
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
        const written = new Date(Date.now() - (20 + i) * 24 * 3600_000);
        const [note] = await tx
          .insert(schema.clinicalNotes)
          .values({
            orgId,
            patientId: row.id,
            authorId: lead,
            body: "Demo note: routine review, no concerns. (Invented text for the demo practice.)",
            status: "signed",
            createdAt: written,
            updatedAt: written,
            signedAt: written,
          })
          .returning({ id: schema.clinicalNotes.id });
        patientIds.set(p.mrn, { id: row.id, orgId, noteId: note.id, lead });
      }

      // Clinical record integrity: an addendum to a signed note, and a draft left
      // unsigned for two days (flagged on its author's list), both by grey on her first patient.
      const first = patientIds.get("DEMO-N-0001")!;
      const daysAgo = (d: number) => new Date(Date.now() - d * 24 * 3600_000);
      await tx.insert(schema.clinicalNotes).values([
        {
          orgId: first.orgId,
          patientId: first.id,
          authorId: userIds.grey,
          body: "Addendum: blood pressure on the day was 128/82, not 182/82 as first typed. (Invented demo text.)",
          status: "signed",
          addendumTo: first.noteId,
          createdAt: daysAgo(19),
          updatedAt: daysAgo(19),
          signedAt: daysAgo(19),
        },
        {
          orgId: first.orgId,
          patientId: first.id,
          authorId: userIds.grey,
          body: "Draft: phone call about repeat prescription; to confirm dose before signing. (Invented demo text.)",
          createdAt: daysAgo(2),
          updatedAt: daysAgo(2),
        },
      ]);

      await seedDemoEssentials(tx, userIds.grey, first, patientIds.get("DEMO-N-0002")!);

      // Cover active now (see demoCoverage), arranged by the practice admin.
      for (const c of demoCoverage) {
        await tx.insert(schema.coverage).values({
          orgId: orgIds[c.org],
          coveringId: userIds[c.covering],
          coveredId: userIds[c.covered],
          reason: c.reason,
          startsAt: new Date(),
          endsAt: new Date(Date.now() + 14 * 24 * 3600_000),
          createdBy: userIds[c.createdBy],
        });
      }

      // A reviewed emergency access from last week: shepherd opened one of grey's own patients
      // for an hour; the admin reviewed it. The audit rows carry the basis as the app records it.
      const target = patientIds.get("DEMO-N-0002")!;
      const grantedAt = daysAgo(6);
      const [grant] = await tx
        .insert(schema.accessGrants)
        .values({
          orgId: target.orgId,
          clinicianId: userIds.shepherd,
          patientId: target.id,
          reason: "Patient arrived at the walk-in clinic unwell while Dr Grey was away (demo)",
          grantedAt,
          expiresAt: new Date(grantedAt.getTime() + 3600_000),
          reviewedBy: userIds.northAdmin,
          reviewedAt: daysAgo(5),
          reviewComment: "Justified: walk-in emergency, confirmed with Dr Grey (demo).",
        })
        .returning({ id: schema.accessGrants.id });
      const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);
      await tx.insert(schema.auditEvents).values([
        {
          orgId: target.orgId,
          actorId: userIds.shepherd,
          action: "break_glass.request",
          entity: "access_grant",
          entityId: grant.id,
          patientId: target.id,
          at: at(grantedAt, 0),
          requestId: "demo-seed-1",
          basis: "break_glass",
        },
        {
          orgId: target.orgId,
          actorId: userIds.shepherd,
          action: "patient.view",
          entity: "patient",
          entityId: target.id,
          patientId: target.id,
          at: at(grantedAt, 1),
          requestId: "demo-seed-2",
          basis: "break_glass",
        },
        {
          orgId: target.orgId,
          actorId: userIds.shepherd,
          action: "note.list",
          entity: "clinical_note",
          patientId: target.id,
          at: at(grantedAt, 1),
          requestId: "demo-seed-2",
          basis: "break_glass",
        },
        {
          orgId: target.orgId,
          actorId: userIds.grey,
          action: "patient.view",
          entity: "patient",
          entityId: target.id,
          patientId: target.id,
          at: daysAgo(3),
          requestId: "demo-seed-3",
          basis: "care_team",
        },
        {
          orgId: target.orgId,
          actorId: userIds.northAdmin,
          action: "patient.view",
          entity: "patient",
          entityId: target.id,
          patientId: target.id,
          at: daysAgo(2),
          requestId: "demo-seed-4",
          basis: "admin",
        },
      ]);
      return true;
    });
  } finally {
    await client.end();
  }
}
