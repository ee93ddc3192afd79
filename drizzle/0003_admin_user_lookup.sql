-- Adding an existing person to a practice: the admin knows their email, but users of other
-- practices are invisible under RLS (users_select). This returns only the id, only to an active
-- admin of the current org, for one exact (case-insensitive) email: no listing, no other columns.
-- SECURITY DEFINER to read past users_select; search_path pinned.
CREATE OR REPLACE FUNCTION app_find_user_id_by_email(p_email text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT u.id FROM public.users u
    WHERE public.app_is_admin() AND lower(u.email) = lower(p_email)
  $$;--> statement-breakpoint
REVOKE ALL ON FUNCTION app_find_user_id_by_email(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_find_user_id_by_email(text) TO careroster_runtime;
--> statement-breakpoint
-- Drizzle names every column in an INSERT (DEFAULT for the ones not given).
GRANT INSERT (created_at) ON users TO careroster_runtime;
