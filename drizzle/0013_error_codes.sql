-- The keep-an-admin trigger raises its own SQLSTATE (CR007) so the app maps the refusal by code
-- (server/trpc/errors.ts), not by its message. Otherwise as in 0009_boundary.sql: the per-org
-- transaction lock serialises two admins demoting each other; the second check sees the first commit.
CREATE OR REPLACE FUNCTION public.app_memberships_keep_an_admin() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF OLD.role = 'admin' AND OLD.status = 'active' AND (NEW.role <> 'admin' OR NEW.status <> 'active') THEN
      PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('careroster.keep_an_admin'), pg_catalog.hashtext(OLD.org_id::text));
      IF NOT EXISTS (SELECT 1 FROM public.memberships m
                     WHERE m.org_id = OLD.org_id AND m.user_id <> OLD.user_id
                       AND m.role = 'admin' AND m.status = 'active') THEN
        RAISE EXCEPTION 'an organization must keep at least one active admin' USING ERRCODE = 'CR007';
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
-- A trigger function needs no EXECUTE grant for its trigger to fire.
REVOKE ALL ON FUNCTION public.app_memberships_keep_an_admin() FROM PUBLIC, careroster_runtime;
