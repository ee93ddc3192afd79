import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { demoPanel } from "@/server/db/seed/demo-data";
import { AppError } from "@/server/errors";
import { asUser, callerFor, demoIds, ownerSql, patientByMrn, pgError, trpcCode } from "@/tests/helpers/db";

// A stale demographics edit is refused with who changed the patient and when (updated_by, stamped
// by the database from the session), nothing of it written; nobody can sign a change in another's name.
const shared = demoPanel("grey", "northside").find((p) =>
  demoPanel("shepherd", "northside").some((s) => s.mrn === p.mrn),
)!;

describe("stale demographics edit", () => {
  let original: { phone: string | null } = { phone: null };
  afterAll(async () => {
    await ownerSql()`update patients set phone = ${original.phone} where mrn = ${shared.mrn}`;
  });

  it("names who changed the patient and when, writes nothing, and takes the edit again on the latest version", async () => {
    const { users } = await demoIds();
    const before = await patientByMrn(shared.mrn);
    [original] = (await ownerSql()`select phone from patients where id = ${before.id}`) as unknown as {
      phone: string | null;
    }[];
    const shepherd = await callerFor("shepherd", "northside");
    const grey = await callerFor("grey", "northside");
    const theirs = await shepherd.patients.update({ id: before.id, version: before.version, phone: "555-0177" });
    expect(theirs.updatedBy).toBe(users.shepherd);

    const err = await grey.patients.update({ id: before.id, version: before.version, phone: "555-0188" }).then(
      () => null,
      (e: TRPCError) => e,
    );
    expect(err?.code).toBe("CONFLICT");
    expect((err?.cause as AppError).appCode).toBe("STALE_EDIT");
    expect(err?.message).toMatch(/^Dr\. Derek Shepherd changed these details at \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \S+/);
    expect(err?.message).not.toMatch(/version/i);
    const [row] = await ownerSql()`select phone, updated_by, version from patients where id = ${before.id}`;
    expect(row).toMatchObject({ phone: "555-0177", updated_by: users.shepherd, version: before.version + 1 });

    const chart = await grey.patients.byId({ id: before.id });
    expect(chart.updatedByName).toBe("Dr. Derek Shepherd");
    // "Apply mine on top": the same typed values on the version the conflict showed.
    const mine = await grey.patients.update({ id: before.id, version: chart.version, phone: "555-0188" });
    expect(mine).toMatchObject({ phone: "555-0188", updatedBy: users.grey });
  });

  it("updated_by is the database's: the runtime role cannot write it, and the trigger overrides any value", async () => {
    const { users } = await demoIds();
    const { id } = await patientByMrn(shared.mrn);
    const denied = await pgError(
      asUser("grey", "northside", (tx) =>
        tx.execute(sql`update patients set updated_by = ${users.shepherd} where id = ${id}`),
      ),
    );
    expect(denied.code).toBe("42501");
    const stamped = await asUser("grey", "northside", async (tx) => {
      await tx.execute(sql`update patients set phone = phone where id = ${id}`);
      const [r] = await tx.execute<{ updated_by: string }>(sql`select updated_by from patients where id = ${id}`);
      return r.updated_by;
    });
    expect(stamped).toBe(users.grey);
  });

  it("another practice's admin and an off-team clinician get NOT_FOUND, not the editor's name", async () => {
    const { id, version } = await patientByMrn(shared.mrn);
    for (const [user, org] of [
      ["lakeAdmin", "lakeside"],
      ["house", "lakeside"],
      ["locum", "northside"],
    ] as const) {
      const caller = await callerFor(user, org);
      expect(await trpcCode(caller.patients.update({ id, version: version - 1, phone: "555-0199" }))).toBe("NOT_FOUND");
    }
    const [row] = await ownerSql()`select phone from patients where id = ${id}`;
    expect(row.phone).not.toBe("555-0199");
  });
});
