-- Request context for Row-Level Security.
--
-- Every request runs in one transaction that first calls
--   set_config('app.user_id', $1, true), set_config('app.org_id', $2, true)
-- (transaction-local: a pooled connection carries nothing into the next request).
-- The policies read the context only through these functions.

-- The group that policies and grants name. The LOGIN role from DATABASE_URL is made a member
-- by scripts/migrate.ts, so its name is the deployment's choice.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careroster_runtime') THEN
    CREATE ROLE careroster_runtime NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END
$$;--> statement-breakpoint

-- The tables these functions read are created by the next migration.
SET check_function_bodies = off;--> statement-breakpoint

-- After a transaction-local value ends, current_setting(name, true) answers '' (not NULL) on
-- that connection, and ''::uuid would raise. NULLIF turns "no context" into NULL, which
-- matches no row: no context means zero rows, never an error and never all rows.
CREATE OR REPLACE FUNCTION app_user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;--> statement-breakpoint

-- The org counts only while the user holds an active membership there, checked on every
-- statement: suspending a member cuts access on their next request, whatever their cookie says.
-- SECURITY DEFINER so the membership lookup is not itself filtered by the memberships policy
-- (which calls this function: that would recurse). The owner role bypasses RLS; search_path
-- is pinned so a caller cannot shadow the table or operators.
CREATE OR REPLACE FUNCTION app_org_id() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT m.org_id FROM public.memberships m
    WHERE m.user_id = public.app_user_id()
      AND m.org_id = NULLIF(current_setting('app.org_id', true), '')::uuid
      AND m.status = 'active'
  $$;--> statement-breakpoint

-- Derived from memberships in the database, never from anything the client sends.
CREATE OR REPLACE FUNCTION app_is_admin() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT coalesce((
      SELECT m.role = 'admin' FROM public.memberships m
      WHERE m.user_id = public.app_user_id() AND m.org_id = public.app_org_id()
    ), false)
  $$;--> statement-breakpoint

-- The patients the caller may see clinically: their care team plus unexpired break-glass
-- grants, in the current org. SECURITY DEFINER because care_team's own policy calls it.
-- Expiry is just `expires_at > now()`: no job has to revoke anything.
CREATE OR REPLACE FUNCTION app_visible_patient_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT ct.patient_id FROM public.care_team ct
    WHERE ct.clinician_id = public.app_user_id() AND ct.org_id = public.app_org_id()
    UNION
    SELECT g.patient_id FROM public.access_grants g
    WHERE g.clinician_id = public.app_user_id() AND g.org_id = public.app_org_id()
      AND g.expires_at > now()
  $$;--> statement-breakpoint

-- Orgs the caller belongs to (any status), for the org switcher and its names.
CREATE OR REPLACE FUNCTION app_my_org_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT m.org_id FROM public.memberships m WHERE m.user_id = public.app_user_id() $$;--> statement-breakpoint

-- Sign-in happens before any context exists. This is the one narrow door to a password hash:
-- one user by exact (case-insensitive) email, with their memberships, nothing else.
CREATE OR REPLACE FUNCTION app_auth_user(p_email text)
  RETURNS TABLE (id uuid, name text, password_hash text, memberships jsonb)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT u.id, u.name, u.password_hash,
           coalesce((SELECT jsonb_agg(jsonb_build_object('orgId', m.org_id, 'role', m.role, 'status', m.status)
                                      ORDER BY m.created_at)
                     FROM public.memberships m WHERE m.user_id = u.id), '[]'::jsonb)
    FROM public.users u
    WHERE lower(u.email) = lower(p_email)
  $$;--> statement-breakpoint

RESET check_function_bodies;
