-- The two roles a request's transaction switches to (see server/db/schema/rls.ts, byRole). Both are
-- members of careroster_runtime, so they carry its grants and its policies (org isolation,
-- notes, audit); the login role is made a member of both by scripts/migrate.ts so it may switch.
-- NOLOGIN and NOBYPASSRLS: they exist only to select which permissive policies apply.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careroster_admin') THEN
    CREATE ROLE careroster_admin NOLOGIN NOSUPERUSER NOBYPASSRLS INHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careroster_clinician') THEN
    CREATE ROLE careroster_clinician NOLOGIN NOSUPERUSER NOBYPASSRLS INHERIT;
  END IF;
END
$$;--> statement-breakpoint
-- Granted by drizzle/bootstrap/roles.sql before the migrations run (as careroster_owner, which may
-- not grant roles); repeated here only for databases where it has not happened.
DO $$
BEGIN
  IF NOT pg_has_role('careroster_admin', 'careroster_runtime', 'MEMBER') THEN
    GRANT careroster_runtime TO careroster_admin;
  END IF;
  IF NOT pg_has_role('careroster_clinician', 'careroster_runtime', 'MEMBER') THEN
    GRANT careroster_runtime TO careroster_clinician;
  END IF;
END
$$;
