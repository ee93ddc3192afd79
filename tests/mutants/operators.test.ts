import { describe, expect, it } from "vitest";
import { expressionMutants, generateMutants, splitTop, type Catalog, type Mutant } from "@/scripts/mutants/operators";
import { stagesFor, subjectOf } from "@/scripts/mutants/select";

// The generator's own arithmetic, on expressions as pg_policies deparses them. Whether the suite kills
// what it generates is `npm run test:mutants`.

const grant =
  "((clinician_id = ( SELECT app_user_id() AS app_user_id)) AND (revoked_at IS NULL) AND (expires_at > now()))";

describe("policy expressions", () => {
  it("splits only top-level conjuncts, whatever the nesting and quoting", () => {
    expect(splitTop(grant, "AND")).toEqual([
      "(clinician_id = ( SELECT app_user_id() AS app_user_id))",
      "(revoked_at IS NULL)",
      "(expires_at > now())",
    ]);
    expect(splitTop("((a = 'x AND y') OR (b AND c))", "OR")).toEqual(["(a = 'x AND y')", "(b AND c)"]);
    expect(splitTop("(a = 'x AND y')", "AND")).toEqual(["a = 'x AND y'"]);
  });

  it("makes each plausible mistake once", () => {
    const mutants = Object.fromEntries(expressionMutants(grant));
    expect(mutants["drop-conjunct-2"]).toBe(
      "(clinician_id = ( SELECT app_user_id() AS app_user_id)) AND (expires_at > now())",
    );
    expect(mutants["gt-to-ge-1"]).toContain("(expires_at >= now())");
    expect(mutants["eq-to-ne-1"]).toContain("clinician_id <> (");
    expect(mutants["drop-null-test-1"]).toContain("AND true AND");
    expect(mutants["and-to-or"]).toContain(") OR (");
    expect(Object.keys(mutants)).not.toContain("or-to-and");
  });

  it("never touches what stands inside a string literal", () => {
    expect(expressionMutants("(status = 'a = b')").map(([op]) => op)).toEqual(["eq-to-ne-1"]);
  });
});

describe("the catalog's mutants", () => {
  const catalog: Catalog = {
    policies: [
      {
        table: "patients",
        name: "patients_org_isolation",
        permissive: false,
        roles: ["careroster_runtime"],
        cmd: "ALL",
        using: "(org_id = ( SELECT app_org_id() AS app_org_id))",
        check: "(org_id = ( SELECT app_org_id() AS app_org_id))",
      },
    ],
    rlsTables: ["patients"],
    definers: ["app_org_id()"],
    rules: [
      {
        signature: "app_visible_patient_ids()",
        securityDefiner: true,
        definition:
          "CREATE OR REPLACE FUNCTION public.app_visible_patient_ids()\n RETURNS SETOF uuid\nAS $function$\n" +
          "SELECT v.id FROM (SELECT a.id FROM a UNION SELECT b.id FROM b UNION SELECT c.id FROM c) v\n$function$\n",
      },
    ],
    triggers: [{ table: "patients", name: "patients_org_immutable" }],
  };
  const mutants = generateMutants(catalog);
  const byId = Object.fromEntries(mutants.map((m) => [m.id, m.sql]));

  it("recreates a policy with the mistake, keeping its roles and command", () => {
    expect(byId["patients.patients_org_isolation:restrictive-to-permissive"]).toContain(
      'AS PERMISSIVE FOR ALL TO "careroster_runtime"',
    );
    expect(byId["patients.patients_org_isolation:drop-with-check"]).not.toContain("WITH CHECK");
    expect(byId["patients.patients_org_isolation:using-true"]).toContain("USING (true) WITH CHECK ((org_id =");
  });

  it("covers tables, definer functions and triggers", () => {
    expect(byId["patients:no-force-rls"]).toBe('ALTER TABLE public."patients" NO FORCE ROW LEVEL SECURITY;');
    expect(byId["app_org_id:search-path-reset"]).toBe("ALTER FUNCTION public.app_org_id() RESET search_path;");
    expect(byId["app_org_id:execute-to-public"]).toBe("GRANT EXECUTE ON FUNCTION public.app_org_id() TO PUBLIC;");
    expect(byId["patients.patients_org_immutable:drop-trigger"]).toBe(
      'DROP TRIGGER "patients_org_immutable" ON public."patients";',
    );
  });

  it("drops one branch of the visibility union at a time", () => {
    expect(byId["app_visible_patient_ids:drop-union-branch-2"]).toContain(
      "(SELECT a.id FROM a UNION SELECT c.id FROM c) v",
    );
    expect(byId["app_visible_patient_ids:drop-union-branch-1"]).toContain(
      "(SELECT b.id FROM b UNION SELECT c.id FROM c) v",
    );
  });
});

describe("which tests meet a mutant first", () => {
  const tests = [
    { path: "tests/rls/catalog.test.ts", text: "relforcerowsecurity" },
    { path: "tests/coverage/coverage.test.ts", text: "cover … cover … coverage" },
    { path: "tests/break-glass/break-glass.test.ts", text: "breakglass.request … grant" },
    { path: "tests/sessions/sessions-db.test.ts", text: "session" },
  ];
  const mutant = (id: string, operator: string): Mutant => ({ id, operator, location: "", sql: "" });

  it("runs the files that name the mutant's subject first, most mentions first, and every other file after", () => {
    const m = mutant("coverage.coverage_select:using:eq-to-ne-1", "using:eq-to-ne-1");
    expect(subjectOf(m)).toBe("coverage");
    expect(stagesFor(m, tests)).toEqual([
      ["tests/coverage/coverage.test.ts"],
      ["tests/rls/catalog.test.ts", "tests/break-glass/break-glass.test.ts", "tests/sessions/sessions-db.test.ts"],
    ]);
    expect(stagesFor(mutant("app_grant_running:gt-to-ge-1", "gt-to-ge-1"), tests)[0]).toEqual([
      "tests/break-glass/break-glass.test.ts",
    ]);
  });

  it("sends a flag mutant to the catalog tests first", () => {
    expect(stagesFor(mutant("sessions:no-force-rls", "no-force-rls"), tests)[0]).toEqual([
      "tests/rls/catalog.test.ts",
      "tests/rls/catalog-privileges.test.ts",
      "tests/sessions/sessions-db.test.ts",
    ]);
  });
});
