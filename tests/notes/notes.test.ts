import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "@/server/db/client";
import { clinicalNotes, clinicalNoteVersions } from "@/server/db/schema";
import { asUser, callerFor, demoIds, ownerSql, patientIdByMrn, pgError, trpcCode } from "@/tests/helpers/db";

// A signed note never changes — for its author, an admin, any procedure, and
// the owner role (short of disabling the trigger). Addenda, entered-in-error, version history.

describe("signed notes and addenda", () => {
  let patientId: string; // grey and shepherd share this patient
  let signedId: string;
  const created: string[] = [];

  beforeAll(async () => {
    patientId = await patientIdByMrn("DEMO-N-0015");
    const grey = await callerFor("grey", "northside");
    const draft = await grey.notes.create({ patientId, body: "Vitest: first draft." });
    created.push(draft.id);
    expect(draft.status).toBe("draft");
    expect(draft.signedAt).toBeNull();
    await grey.notes.update({ id: draft.id, body: "Vitest: second draft." });
    const signed = await grey.notes.sign({ id: draft.id });
    expect(signed.status).toBe("signed");
    expect(signed.signedAt).toBeInstanceOf(Date);
    signedId = signed.id;
  });

  afterAll(async () => {
    await ownerSql()`delete from clinical_notes where id = any(${created}) or addendum_to = any(${created})`;
  });

  it("the author can no longer change the body, through the API or with SQL", async () => {
    const grey = await callerFor("grey", "northside");
    expect(await trpcCode(grey.notes.update({ id: signedId, body: "Changed after signing" }))).toBe("FORBIDDEN");
    expect(await trpcCode(grey.notes.sign({ id: signedId }))).toBe("FORBIDDEN");
    await asUser("grey", "northside", async (tx) => {
      const err = await pgError(
        tx.transaction((sp) =>
          sp.update(clinicalNotes).set({ body: "sql edit" }).where(eq(clinicalNotes.id, signedId)),
        ),
      );
      expect(err.code).toBe("42501");
      // Back to draft, then edit: refused as well.
      expect(
        (
          await pgError(
            tx.transaction((sp) =>
              sp.update(clinicalNotes).set({ status: "draft" }).where(eq(clinicalNotes.id, signedId)),
            ),
          )
        ).code,
      ).toBe("42501");
      // Author and patient are not even grantable columns.
      expect(
        (
          await pgError(
            tx.transaction((sp) =>
              sp
                .update(clinicalNotes)
                .set({ authorId: sql`author_id` as unknown as string })
                .where(eq(clinicalNotes.id, signedId)),
            ),
          )
        ).code,
      ).toBe("42501");
    });
    const [row] = await ownerSql()`select body, status from clinical_notes where id = ${signedId}`;
    expect(row).toEqual({ body: "Vitest: second draft.", status: "signed" });
  });

  it("a colleague on the team and the admin cannot change it either", async () => {
    const shepherd = await callerFor("shepherd", "northside");
    expect(await trpcCode(shepherd.notes.update({ id: signedId, body: "x" }))).toBe("NOT_FOUND");
    expect(await trpcCode(shepherd.notes.markInError({ id: signedId, reason: "not mine to mark" }))).toBe("NOT_FOUND");
    const admin = await callerFor("northAdmin", "northside");
    expect(await trpcCode(admin.notes.update({ id: signedId, body: "x" }))).toBe("NOT_FOUND");
    for (const who of ["shepherd", "northAdmin"] as const) {
      await asUser(who, "northside", async (tx) => {
        expect(
          await tx.update(clinicalNotes).set({ body: "overwritten" }).where(eq(clinicalNotes.id, signedId)).returning(),
        ).toEqual([]);
        expect(
          await tx
            .delete(clinicalNotes)
            .where(eq(clinicalNotes.id, signedId))
            .returning()
            .catch((e) => e.cause?.code ?? e.code),
        ).toBe("42501");
      });
    }
  });

  it("the owner role cannot change it without disabling the trigger (and the test can fail)", async () => {
    const err = await pgError(
      ownerSql().begin(async (tx) => {
        await tx`set local role careroster_owner`;
        await tx`update clinical_notes set body = 'owner edit' where id = ${signedId}`;
      }),
    );
    expect(err.code).toBe("42501");
    const err2 = await pgError(
      ownerSql().begin(async (tx) => {
        await tx`set local role careroster_owner`;
        await tx`update clinical_notes set author_id = ${(await demoIds()).users.shepherd} where id = ${signedId}`;
      }),
    );
    expect(err2.code).toBe("42501");
    // Control: with the trigger disabled (an owner-only DDL act) the same statement goes through.
    await ownerSql()
      .begin(async (tx) => {
        await tx`set local role careroster_owner`;
        await tx`alter table clinical_notes disable trigger clinical_notes_lock`;
        const changed = await tx`update clinical_notes set body = 'owner edit' where id = ${signedId} returning body`;
        expect(changed[0].body).toBe("owner edit");
        await tx`select 1/0`.catch(() => undefined); // keep the transaction aborted → rolled back
      })
      .catch(() => undefined);
    const [row] = await ownerSql()`select body from clinical_notes where id = ${signedId}`;
    expect(row.body).toBe("Vitest: second draft.");
    const [trigger] = await ownerSql()`select tgenabled from pg_trigger where tgname = 'clinical_notes_lock'`;
    expect(trigger.tgenabled).toBe("O");
  });

  it("a note is born valid: an insert that carries an error reason is refused", async () => {
    const { users, orgs } = await demoIds();
    const err = await pgError(
      asUser("grey", "northside", (tx) =>
        tx.insert(clinicalNotes).values({
          orgId: orgs.northside,
          patientId,
          authorId: users.grey,
          body: "Vitest: a draft that claims an error.",
          errorReason: "Recorded on the wrong chart",
        }),
      ),
    );
    expect(err.message).toMatch(/new row violates row-level security policy/);
  });

  it("the runtime role has no DELETE on notes", async () => {
    const [priv] = await ownerSql()`select has_table_privilege('careroster_runtime', 'clinical_notes', 'DELETE') as del,
      has_table_privilege('careroster_runtime', 'clinical_note_versions', 'INSERT') as ins_versions,
      has_table_privilege('careroster_runtime', 'clinical_note_versions', 'UPDATE') as upd_versions`;
    expect(priv).toEqual({ del: false, ins_versions: false, upd_versions: false });
  });

  it("addenda attach only to signed original notes of patients the caller can see", async () => {
    const grey = await callerFor("grey", "northside");
    const shepherd = await callerFor("shepherd", "northside");
    // A colleague on the team may add one under grey's signed note.
    const add = await shepherd.notes.addendum({ noteId: signedId, body: "Vitest: addendum by shepherd." });
    created.push(add.id);
    expect(add).toMatchObject({ status: "signed", addendumTo: signedId, patientId });
    // Not to a draft, not to an addendum.
    const draft = await grey.notes.create({ patientId, body: "Vitest: a draft." });
    created.push(draft.id);
    expect(await trpcCode(grey.notes.addendum({ noteId: draft.id, body: "x" }))).toBe("BAD_REQUEST");
    expect(await trpcCode(grey.notes.addendum({ noteId: add.id, body: "x" }))).toBe("BAD_REQUEST");
    // Not by someone who cannot see the patient: locum's is NOT_FOUND; with SQL the policy refuses.
    const locum = await callerFor("locum", "northside");
    expect(await trpcCode(locum.notes.addendum({ noteId: signedId, body: "x" }))).toBe("NOT_FOUND");
    const { users, orgs } = await demoIds();
    // An addendum written with SQL by `author` under `addendumTo`; answers how the database refused it.
    const sqlAddendum = (tx: Tx, author: "grey" | "locum", addendumTo: string, patient = patientId) =>
      pgError(
        tx.transaction((sp) =>
          sp.insert(clinicalNotes).values({
            orgId: orgs.northside,
            patientId: patient,
            authorId: users[author],
            body: "x",
            status: "signed",
            addendumTo,
          }),
        ),
      );
    await asUser("locum", "northside", async (tx) => {
      // The parent is hidden from locum, so the trigger answers as for a missing note (no oracle).
      const err = await sqlAddendum(tx, "locum", signedId);
      expect(err.code).toBe("23503");
    });
    // With SQL, an addendum naming a draft or another patient's note is refused by the trigger.
    const other = await patientIdByMrn("DEMO-N-0016");
    await asUser("grey", "northside", async (tx) => {
      const toDraft = await sqlAddendum(tx, "grey", draft.id);
      expect(toDraft.code).toBe("23514");
      const crossed = await sqlAddendum(tx, "grey", signedId, other);
      expect(crossed.code).toBe("23503");
      // A note cannot be born signed without a parent, nor backdated.
      const bornSigned = await pgError(
        tx.transaction((sp) =>
          sp
            .insert(clinicalNotes)
            .values({ orgId: orgs.northside, patientId, authorId: users.grey, body: "x", status: "signed" }),
        ),
      );
      expect(bornSigned.code).toBe("42501");
      const [d] = await tx
        .insert(clinicalNotes)
        .values({
          orgId: orgs.northside,
          patientId,
          authorId: users.grey,
          body: "x",
          createdAt: new Date("2001-01-01"),
        })
        .returning();
      expect(d.createdAt.getFullYear()).toBeGreaterThan(2020);
    });
    // The chart shows the addendum under its note.
    const list = await grey.notes.list({ patientId });
    expect(list.find((n) => n.id === signedId)?.addenda.map((a) => a.id)).toEqual([add.id]);
  });

  it("entered-in-error keeps the row, by its author only, with a reason, and is final", async () => {
    const grey = await callerFor("grey", "northside");
    const note = await grey.notes.create({ patientId, body: "Vitest: wrong patient." });
    created.push(note.id);
    await grey.notes.sign({ id: note.id });
    expect(await trpcCode(grey.notes.markInError({ id: note.id, reason: "no" }))).toBe("BAD_REQUEST");
    const marked = await grey.notes.markInError({ id: note.id, reason: "Written on the wrong chart" });
    expect(marked).toMatchObject({
      status: "entered_in_error",
      errorReason: "Written on the wrong chart",
      body: "Vitest: wrong patient.",
    });
    expect(marked.errorAt).toBeInstanceOf(Date);
    expect(await trpcCode(grey.notes.markInError({ id: note.id, reason: "Again, differently" }))).toBe("NOT_FOUND");
    expect(await trpcCode(grey.notes.update({ id: note.id, body: "x" }))).toBe("FORBIDDEN");
    const list = await grey.notes.list({ patientId });
    expect(list.find((n) => n.id === note.id)).toMatchObject({
      status: "entered_in_error",
      body: "Vitest: wrong patient.",
    });
    const [{ n }] = await ownerSql()`select count(*)::int as n from clinical_notes where id = ${note.id}`;
    expect(n).toBe(1);
  });

  it("every version is kept and readable under the note's own visibility", async () => {
    const grey = await callerFor("grey", "northside");
    const note = (await grey.notes.list({ patientId })).find((n) => n.id === signedId)!;
    expect(note.history.map((v) => [v.version, v.status, v.body])).toEqual([
      [1, "draft", "Vitest: first draft."],
      [2, "draft", "Vitest: second draft."],
      [3, "signed", "Vitest: second draft."],
    ]);
    expect(note.history.every((v) => v.changedByName === "Dr. Meredith Grey")).toBe(true);
    // Same visibility as the notes: locum (not on the team) and the admin read none of it.
    for (const who of ["locum", "northAdmin"] as const) {
      expect(
        await asUser(who, "northside", (tx) =>
          tx.select().from(clinicalNoteVersions).where(eq(clinicalNoteVersions.noteId, signedId)),
        ),
      ).toEqual([]);
    }
    await asUser("grey", "northside", async (tx) => {
      expect(
        await tx
          .select()
          .from(clinicalNoteVersions)
          .where(and(eq(clinicalNoteVersions.noteId, signedId))),
      ).toHaveLength(3);
      const { orgs } = await demoIds();
      const forged = await pgError(
        tx.transaction((sp) =>
          sp.insert(clinicalNoteVersions).values({
            orgId: orgs.northside,
            noteId: signedId,
            patientId,
            version: 9,
            body: "forged",
            status: "signed",
          }),
        ),
      );
      expect(forged.code).toBe("42501");
    });
  });

  it("drafts older than 24 hours are flagged on their author's list", async () => {
    const grey = await callerFor("grey", "northside");
    const drafts = await grey.notes.myDrafts();
    expect(drafts.length).toBeGreaterThan(0);
    const seeded = drafts.find((d) => d.patientId === (drafts.find((x) => x.overdue)?.patientId ?? "none"));
    expect(seeded?.overdue).toBe(true); // the demo's two-day-old draft
    expect(drafts.filter((d) => d.id === created[1])).toEqual([]); // signed ones are not drafts
    const fresh = drafts.find((d) => created.includes(d.id));
    expect(fresh?.overdue).toBe(false);
    expect(
      await (
        await callerFor("shepherd", "northside")
      ).notes
        .myDrafts()
        .then((d) => d.some((x) => created.includes(x.id))),
    ).toBe(false);
  });
});
