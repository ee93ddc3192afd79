import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { canMeet, catalogReferences, reached, statementProxy } from "@/scripts/mutants/coverage";
import type { Mutant } from "@/scripts/mutants/operators";
import { stagesFor } from "@/scripts/mutants/select";
import { ownerSql, ownerUrl } from "@/tests/helpers/db";

// Which files a mutant runs against is decided by what each file's statements reach. A file left out
// wrongly would turn a kill into a survivor, so the parts are checked here against the real database.

describe("the statement proxy", () => {
  const clients: postgres.Sql[] = [];
  afterAll(() => Promise.all(clients.map((c) => c.end())));

  it("forwards a session unchanged and hands over the text of simple and extended-protocol statements", async () => {
    const seen: string[] = [];
    const users = new Set<string>();
    const proxy = await statementProxy(Number(new URL(ownerUrl()).port), (text, session) => {
      seen.push(text);
      users.add(session.user);
    });
    try {
      const url = new URL(ownerUrl());
      url.port = String(proxy.port);
      const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
      clients.push(sql);
      const [{ n }] = await sql<{ n: number }[]>`select ${41}::int + 1 as n`;
      expect(n).toBe(42);
      await sql.unsafe("select count(*) from care_team");
      await sql.end();
      expect(seen).toContain("select $1::int + 1 as n");
      expect(seen).toContain("select count(*) from care_team");
      expect([...users]).toEqual([new URL(ownerUrl()).username]);
    } finally {
      await proxy.close();
    }
  });
});

describe("what statements reach", () => {
  const app = (text: string) => ({ text, underPolicies: true });
  const owner = (text: string) => ({ text, underPolicies: false });

  it("closes over the catalog: a table's policies and triggers, and the bodies of the functions they name", async () => {
    const catalog = await catalogReferences(ownerSql());
    // The patients policies ask app_visible_patient_ids, whose body reads the care team.
    expect([...catalog.refs.get("patients")!]).toContain("app_visible_patient_ids");
    expect([...catalog.refs.get("app_visible_patient_ids")!]).toContain("care_team");
    expect(catalog.definers).toContain("app_visible_patient_ids");
    expect(catalog.bypass).toContain(new URL(ownerUrl()).username);
    const r = reached([app('select "id" from "patients"')], catalog);
    expect(r.all).toEqual(expect.arrayContaining(["patients", "app_visible_patient_ids", "care_team"]));
    expect(r.all).not.toContain("appointment_reminders");
    // The definer's body reads the care team as its owner: care_team's policies are not met there.
    expect(r.underPolicies).toEqual(expect.arrayContaining(["patients", "app_visible_patient_ids"]));
    expect(r.underPolicies).not.toContain("care_team");
    expect(reached([app("select 1")], catalog)).toEqual({ all: [], underPolicies: [] });
  });

  it("meets a policy only through statements the policies hold, a trigger or function through any", async () => {
    const catalog = await catalogReferences(ownerSql());
    const r = reached([owner("insert into coverage (org_id) values ($1)")], catalog);
    expect(canMeet(r, "coverage", "policy")).toBe(false);
    expect(canMeet(r, "coverage", "table")).toBe(false);
    expect(canMeet(r, "coverage", "trigger")).toBe(true);
  });

  it("sends every mutant of a kind to a file that reads that kind's catalog", () => {
    const none = { refs: new Map(), definers: new Set<string>(), bypass: new Set<string>() };
    const r = reached([owner("select polname from pg_policy"), owner("select 1 from pg_trigger")], none);
    expect(r.all).toEqual(["catalog:policy", "catalog:trigger"]);
    expect(canMeet(r, "org_sso", "policy")).toBe(true);
    expect(canMeet(r, "org_sso", "trigger")).toBe(true);
    expect(canMeet(r, "org_sso", "table")).toBe(false);
    expect(canMeet(r, "app_is_admin", "function")).toBe(false);
  });
});

describe("which files a mutant meets", () => {
  const tests = [
    { path: "tests/rls/catalog.test.ts", text: "relforcerowsecurity" },
    { path: "tests/jobs/reminders.test.ts", text: "reminder" },
    { path: "tests/sessions/sessions-db.test.ts", text: "session" },
    { path: "tests/rls/explain.test.ts", text: "explain" },
  ];
  const both = (...names: string[]) => ({ all: names, underPolicies: names });
  const coverage = {
    "tests/rls/catalog.test.ts": both("catalog:policy", "catalog:table"),
    "tests/jobs/reminders.test.ts": both("appointment_reminders", "appointments"),
    "tests/sessions/sessions-db.test.ts": both("sessions"),
    "tests/rls/explain.test.ts": both("app_is_admin"),
  };
  const mutant = (id: string, operator: string): Mutant => ({ id, operator, location: "", sql: "" });

  it("leaves out only the files whose statements cannot reach what the mutant changes", () => {
    const m = mutant("appointment_reminders.appointment_reminders_org_isolation:using:eq-to-ne-1", "using:eq-to-ne-1");
    expect(stagesFor(m, tests, coverage)).toEqual([["tests/jobs/reminders.test.ts"], ["tests/rls/catalog.test.ts"]]);
    expect(stagesFor(mutant("app_is_admin:drop-not-1", "drop-not-1"), tests, coverage)).toEqual([
      [],
      ["tests/rls/explain.test.ts"],
    ]);
  });
});
