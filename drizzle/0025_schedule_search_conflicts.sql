-- Who last changed a patient's demographics, so a stale edit can name them. The update trigger
-- stamps it from the session's identity (never from the app's input, and the column has no UPDATE
-- grant), so nobody can sign a change in someone else's name. NULL: never changed, or changed by
-- the owner role (seeds, operators).
ALTER TABLE public.patients ADD COLUMN updated_by uuid REFERENCES public.users(id);--> statement-breakpoint

-- As in 0023 (archive and MRN changes are an admin's), plus updated_by. CREATE OR REPLACE resets
-- the function's settings, so the search_path is pinned again (pg_temp last) and every name is
-- schema-qualified.
CREATE OR REPLACE FUNCTION public.app_patients_before_update() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF NEW.archived_at IS DISTINCT FROM OLD.archived_at AND NOT public.app_is_admin() THEN
      RAISE EXCEPTION 'only an admin may archive or restore a patient' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.mrn IS DISTINCT FROM OLD.mrn AND NOT public.app_is_admin() THEN
      RAISE EXCEPTION 'only an admin may change an MRN' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.created_by IS DISTINCT FROM OLD.created_by OR NEW.id IS DISTINCT FROM OLD.id THEN
      RAISE EXCEPTION 'patient identity cannot change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.version := OLD.version + 1;
    NEW.updated_at := pg_catalog.now();
    NEW.updated_by := public.app_user_id();
    RETURN NEW;
  END
  $$;--> statement-breakpoint

-- Search by birth date or birth year is a range scan of 0023's patients_org_birth_idx (org_id,
-- birth_date), led by the isolation column as the restrictive org policy reads it.

-- The list's search matches one text that holds the patient the way the list shows them and the
-- way people type them: "Applegate, Ada Ada Applegate DEMO-N-0001", so "Applegate, Ada",
-- "Ada Applegate", "apple" and an MRN are all one ILIKE '%…%'. A trigram GIN index answers that
-- (terms of three characters or more), with 0023's pg_trgm in the owner-only `extensions` schema;
-- the operator (~~*) is the built-in one.
CREATE INDEX patients_search_trgm_idx ON public.patients
  USING gin ((family_name || ', ' || given_name || ' ' || given_name || ' ' || family_name || ' ' || mrn) extensions.gin_trgm_ops);
