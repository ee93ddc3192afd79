-- Run by the migrating login (superuser for the embedded default, or a DBA-provided role with
-- CREATEROLE) before the migrations, idempotently. Everything after this runs as careroster_owner.
--
-- careroster_owner owns the database, the schema, every table, policy and function. NOSUPERUSER:
-- a SECURITY DEFINER function runs with its owner's rights, so a superuser owner would turn any
-- flaw in one into full control of the server. BYPASSRLS only because the definer functions must
-- read memberships past their own policies. NOLOGIN: nobody connects as it; migrations SET ROLE.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careroster_owner') THEN
    CREATE ROLE careroster_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION BYPASSRLS;
  END IF;
  -- The group that grants and policies name; the runtime LOGIN role is made a member of it.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careroster_runtime') THEN
    CREATE ROLE careroster_runtime NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  -- The session roles a request's transaction switches to (drizzle/0006_session_roles.sql).
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careroster_admin') THEN
    CREATE ROLE careroster_admin NOLOGIN NOSUPERUSER NOBYPASSRLS INHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careroster_clinician') THEN
    CREATE ROLE careroster_clinician NOLOGIN NOSUPERUSER NOBYPASSRLS INHERIT;
  END IF;
  -- The sign-in path's own group (drizzle/0019_verified_identity.sql): password hashes, starting
  -- sessions, SSO sign-in and jobs. Its login (DATABASE_AUTH_URL) is a different credential from the
  -- runtime login's, so a stolen runtime password mints no session and reads no hash.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careroster_auth') THEN
    CREATE ROLE careroster_auth NOLOGIN NOSUPERUSER NOBYPASSRLS INHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = 'careroster_runtime'::regrole AND member = 'careroster_admin'::regrole) THEN
    GRANT careroster_runtime TO careroster_admin;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = 'careroster_runtime'::regrole AND member = 'careroster_clinician'::regrole) THEN
    GRANT careroster_runtime TO careroster_clinician;
  END IF;
  -- The migrating login must be able to SET ROLE careroster_owner (implicit for a superuser).
  IF NOT pg_has_role(current_user, 'careroster_owner', 'MEMBER') THEN
    EXECUTE format('GRANT careroster_owner TO %I', current_user);
  END IF;
END
$$;

-- The database's owner owns `public` (pg_database_owner, PostgreSQL 15+) and may revoke
-- TEMPORARY from PUBLIC (drizzle/0009). Needs a superuser once; a DBA can do it by hand instead.
DO $$
BEGIN
  IF (SELECT datdba FROM pg_database WHERE datname = current_database()) <> 'careroster_owner'::regrole THEN
    EXECUTE format('ALTER DATABASE %I OWNER TO careroster_owner', current_database());
  END IF;
  IF (SELECT nspowner FROM pg_namespace WHERE nspname = 'public') NOT IN ('careroster_owner'::regrole, 'pg_database_owner'::regrole) THEN
    ALTER SCHEMA public OWNER TO careroster_owner;
  END IF;
END
$$;

-- Databases migrated before careroster_owner existed hold objects owned by the migrating
-- superuser; hand each one over (a fresh database has none, so this is a no-op there).
DO $$
DECLARE
  stmt text;
BEGIN
  FOR stmt IN
    SELECT format('ALTER SCHEMA %I OWNER TO careroster_owner', n.nspname)
    FROM pg_namespace n WHERE n.nspname = 'drizzle' AND n.nspowner <> 'careroster_owner'::regrole
    UNION ALL
    SELECT format('ALTER TABLE %s OWNER TO careroster_owner', c.oid::regclass)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('public', 'drizzle') AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relowner <> 'careroster_owner'::regrole
    UNION ALL
    SELECT format('ALTER FUNCTION %s OWNER TO careroster_owner', p.oid::regprocedure)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.proowner <> 'careroster_owner'::regrole
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT format('ALTER TYPE %s OWNER TO careroster_owner', t.oid::regtype)
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND t.typowner <> 'careroster_owner'::regrole
  LOOP
    EXECUTE stmt;
  END LOOP;
END
$$;
