ALTER TABLE login_attempts FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE appointment_reminders FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT ON appointment_reminders TO careroster_runtime;--> statement-breakpoint

-- Break-glass directory (minimum necessary): a clinician may find a patient of the current
-- practice who is not on their team, but sees only name, date of birth and MRN, at most 20 rows,
-- and only with an active membership (app_org_id() is NULL otherwise). SECURITY DEFINER because
-- patients_select would hide exactly these rows; search_path pinned.
CREATE OR REPLACE FUNCTION app_patient_directory(p_search text)
  RETURNS TABLE (id uuid, given_name text, family_name text, birth_date date, mrn text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT p.id, p.given_name, p.family_name, p.birth_date, p.mrn
    FROM public.patients p
    WHERE p.org_id = public.app_org_id()
      AND p.archived_at IS NULL
      AND length(btrim(p_search)) >= 2
      AND (p.family_name ILIKE '%' || replace(replace(replace(btrim(p_search), '\', '\\'), '%', '\%'), '_', '\_') || '%'
           OR p.given_name ILIKE '%' || replace(replace(replace(btrim(p_search), '\', '\\'), '%', '\%'), '_', '\_') || '%'
           OR p.mrn = btrim(p_search))
    ORDER BY p.family_name, p.given_name, p.id
    LIMIT 20
  $$;--> statement-breakpoint

-- Sign-in throttling. Keys are hashes computed by the app; nothing here can read a patient or a
-- user row. `app_login_locked` answers how many failures a key had in the window; the app decides.
CREATE OR REPLACE FUNCTION app_login_failures(p_keys text[], p_window interval) RETURNS integer
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT coalesce(max(n), 0)::int FROM (
      SELECT count(*) AS n FROM public.login_attempts
      WHERE key_hash = ANY (p_keys) AND at > now() - p_window
      GROUP BY key_hash) counts
  $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_login_record_failure(p_keys text[]) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    DELETE FROM public.login_attempts WHERE at < now() - interval '1 day';
    INSERT INTO public.login_attempts (key_hash) SELECT unnest(p_keys);
  $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_login_clear(p_key text) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ DELETE FROM public.login_attempts WHERE key_hash = p_key $$;--> statement-breakpoint

-- The reminders job walks practices without reading tenant tables out of context: this returns
-- each practice's id and the active admin the job acts as (the earliest), nothing else.
CREATE OR REPLACE FUNCTION app_job_practices() RETURNS TABLE (org_id uuid, actor_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT DISTINCT ON (m.org_id) m.org_id, m.user_id
    FROM public.memberships m
    WHERE m.role = 'admin' AND m.status = 'active'
    ORDER BY m.org_id, m.created_at, m.user_id
  $$;--> statement-breakpoint

REVOKE ALL ON FUNCTION app_patient_directory(text), app_login_failures(text[], interval), app_login_record_failure(text[]),
  app_login_clear(text), app_job_practices() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_patient_directory(text), app_login_failures(text[], interval), app_login_record_failure(text[]),
  app_login_clear(text), app_job_practices() TO careroster_runtime;
