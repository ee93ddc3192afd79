-- A patient list's first page as an index range. Each care-team row carries its patient's name
-- (the list's sort key), kept right by the database: set on insert from the patient, rewritten
-- when the patient is renamed. care_team_list_idx holds a clinician's panel in list order, so the
-- page is the first rows of a range, not a sort of the whole panel. The policies are unchanged:
-- they still decide which of those rows the caller sees.
ALTER TABLE public.care_team ADD COLUMN sort_family text, ADD COLUMN sort_given text;--> statement-breakpoint
UPDATE public.care_team ct SET sort_family = p.family_name, sort_given = p.given_name
  FROM public.patients p WHERE p.org_id = ct.org_id AND p.id = ct.patient_id;--> statement-breakpoint
ALTER TABLE public.care_team ALTER COLUMN sort_family SET NOT NULL, ALTER COLUMN sort_given SET NOT NULL;--> statement-breakpoint
CREATE INDEX care_team_list_idx ON public.care_team (clinician_id, org_id, sort_family, sort_given, patient_id);--> statement-breakpoint

-- The key always comes from the patient row, whatever the inserter wrote (the column has no
-- grant of its own to the runtime role, and a merge moves rows by inserting them).
CREATE FUNCTION public.app_care_team_sort_key() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    SELECT p.family_name, p.given_name INTO NEW.sort_family, NEW.sort_given
      FROM public.patients p WHERE p.org_id = NEW.org_id AND p.id = NEW.patient_id;
    -- Answer as the foreign key would (it runs only after this trigger's NULLs fail NOT NULL).
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no such patient in this practice' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_care_team_sort_key() OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_care_team_sort_key() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER care_team_sort_key BEFORE INSERT OR UPDATE OF patient_id, org_id ON public.care_team
  FOR EACH ROW EXECUTE FUNCTION public.app_care_team_sort_key();--> statement-breakpoint

-- A rename reorders every list the patient is on: the care-team rows follow the name.
CREATE FUNCTION public.app_patients_sort_key() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    UPDATE public.care_team ct SET sort_family = NEW.family_name, sort_given = NEW.given_name
     WHERE ct.org_id = NEW.org_id AND ct.patient_id = NEW.id;
    RETURN NULL;
  END
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_patients_sort_key() OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_patients_sort_key() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER patients_sort_key AFTER UPDATE OF family_name, given_name ON public.patients
  FOR EACH ROW WHEN (NEW.family_name IS DISTINCT FROM OLD.family_name OR NEW.given_name IS DISTINCT FROM OLD.given_name)
  EXECUTE FUNCTION public.app_patients_sort_key();--> statement-breakpoint

-- The total of a list without fetching its rows: an index-only count of the live patients the
-- policy admits.
CREATE INDEX patients_org_live_idx ON public.patients (org_id, id) WHERE archived_at IS NULL;--> statement-breakpoint

-- The caller of a definer function in one call: the identity (one check of the context's MAC),
-- and the practice and admin flag from the one membership row app_org_id and app_is_admin read
-- (the caller's, in the context's practice, active). The list and visibility functions below
-- start from it instead of calling app_user_id, app_org_id and app_is_admin, each of which checks
-- the MAC again.
CREATE FUNCTION public.app_caller() RETURNS TABLE (me uuid, org uuid, admin boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT u.me, m.org_id, coalesce(m.role = 'admin', false)
    FROM (SELECT public.app_user_id() AS me) u
    LEFT JOIN public.memberships m
      ON m.user_id = u.me AND m.org_id = NULLIF(pg_catalog.current_setting('app.org_id', true), '')::uuid
     AND m.status = 'active'
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_caller() OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_caller() FROM PUBLIC;--> statement-breakpoint

-- The next ids of the caller's list by name after a key (NULLs: from the start), in list order:
-- an admin's from the practice's name index; anyone else's merged from their visibility sources
-- (the same three as app_visible_patient_ids), each read as a range in list order and cut at the
-- limit, archived patients skipped as the range is read. A candidate list only: the query that
-- shows the rows still reads patients under its policies. The key below every real one
-- ('', '', the nil uuid) keeps the first page an index range too.
CREATE FUNCTION public.app_list_page_ids(p_family text, p_given text, p_id uuid, p_limit integer)
  RETURNS uuid[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    WITH caller AS MATERIALIZED (
      SELECT k.me, k.org, k.admin, coalesce(p_family, '') AS after_f, coalesce(p_given, '') AS after_g,
             coalesce(p_id, '00000000-0000-0000-0000-000000000000'::uuid) AS after_id
      FROM public.app_caller() k
    )
    SELECT CASE WHEN c.admin THEN ARRAY(
      SELECT p.id FROM public.patients p
       WHERE p.org_id = c.org AND p.archived_at IS NULL AND (p.family_name, p.given_name, p.id) > (c.after_f, c.after_g, c.after_id)
       ORDER BY p.family_name, p.given_name, p.id LIMIT p_limit)
    ELSE ARRAY(
      SELECT DISTINCT ON (s.f, s.g, s.id) s.id FROM (
        (SELECT ct.sort_family AS f, ct.sort_given AS g, ct.patient_id AS id FROM public.care_team ct
          WHERE ct.clinician_id = c.me AND ct.org_id = c.org
            AND (ct.sort_family, ct.sort_given, ct.patient_id) > (c.after_f, c.after_g, c.after_id)
            AND NOT EXISTS (SELECT 1 FROM public.patients a
                             WHERE a.org_id = c.org AND a.id = ct.patient_id AND a.archived_at IS NOT NULL)
          ORDER BY ct.sort_family, ct.sort_given, ct.patient_id LIMIT p_limit)
        UNION ALL
        SELECT t.f, t.g, t.id FROM public.coverage cv
         CROSS JOIN LATERAL (
           SELECT ct.sort_family AS f, ct.sort_given AS g, ct.patient_id AS id FROM public.care_team ct
            WHERE ct.clinician_id = cv.covered_id AND ct.org_id = c.org
              AND (ct.sort_family, ct.sort_given, ct.patient_id) > (c.after_f, c.after_g, c.after_id)
              AND NOT EXISTS (SELECT 1 FROM public.patients a
                               WHERE a.org_id = c.org AND a.id = ct.patient_id AND a.archived_at IS NOT NULL)
            ORDER BY ct.sort_family, ct.sort_given, ct.patient_id LIMIT p_limit) t
         WHERE cv.covering_id = c.me AND cv.org_id = c.org AND public.app_cover_active(cv)
        UNION ALL
        SELECT p.family_name, p.given_name, p.id FROM public.access_grants g
          JOIN public.patients p ON p.org_id = g.org_id AND p.id = g.patient_id
         WHERE g.clinician_id = c.me AND g.org_id = c.org AND public.app_grant_running(g)
           AND p.archived_at IS NULL AND (p.family_name, p.given_name, p.id) > (c.after_f, c.after_g, c.after_id)
      ) s
      ORDER BY s.f, s.g, s.id LIMIT p_limit)
    END
    FROM caller c
    WHERE c.me IS NOT NULL AND c.org IS NOT NULL
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_list_page_ids(text, text, uuid, integer) OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_list_page_ids(text, text, uuid, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_list_page_ids(text, text, uuid, integer) TO careroster_runtime;--> statement-breakpoint

-- A list's total, without fetching its rows: the size of the set the caller's policy admits. An
-- admin's is the practice's live patients (an index-only count); anyone else's is the policy's
-- own app_visible_patient_ids(), which leaves archived patients out already.
CREATE FUNCTION public.app_list_total() RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT CASE WHEN c.admin
      THEN (SELECT count(*) FROM public.patients p WHERE p.org_id = c.org AND p.archived_at IS NULL)
      ELSE (SELECT count(*) FROM public.app_visible_patient_ids())
    END
    FROM public.app_caller() c
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_list_total() OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_list_total() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_list_total() TO careroster_runtime;--> statement-breakpoint

-- The identity functions run inside every policy; each app_user_id() checks the context's MAC.
-- app_is_admin reads the one membership row app_org_id would (active, the caller's, the context's
-- practice) instead of calling app_org_id and app_user_id again: one check instead of two.
CREATE OR REPLACE FUNCTION public.app_is_admin() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT coalesce((
      SELECT m.role = 'admin' FROM public.memberships m
      WHERE m.user_id = public.app_user_id()
        AND m.org_id = NULLIF(pg_catalog.current_setting('app.org_id', true), '')::uuid
        AND m.status = 'active'
    ), false)
  $$;--> statement-breakpoint

-- The caller is worked out once per call (app_caller), not once per source.
CREATE OR REPLACE FUNCTION public.app_visible_patient_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    WITH caller AS MATERIALIZED (SELECT k.me, k.org FROM public.app_caller() k)
    SELECT v.patient_id FROM caller c CROSS JOIN LATERAL (
      SELECT ct.patient_id FROM public.care_team ct
      WHERE ct.clinician_id = c.me AND ct.org_id = c.org
      UNION
      SELECT g.patient_id FROM public.access_grants g
      WHERE g.clinician_id = c.me AND g.org_id = c.org AND public.app_grant_running(g)
      UNION
      SELECT ct.patient_id FROM public.coverage cv
      JOIN public.care_team ct ON ct.org_id = cv.org_id AND ct.clinician_id = cv.covered_id
      WHERE cv.covering_id = c.me AND cv.org_id = c.org AND public.app_cover_active(cv)
    ) v
    WHERE NOT EXISTS (SELECT 1 FROM public.patients p
                      WHERE p.org_id = c.org AND p.id = v.patient_id AND p.archived_at IS NOT NULL)
  $$;--> statement-breakpoint

-- The bases of the asked patients (the audit trigger's, a page at a time), looked up for those
-- patients only: the same answer as testing them against the caller's whole visible set, in the
-- time of a few index probes per patient instead of a read of the whole panel.
CREATE OR REPLACE FUNCTION public.app_access_bases(p_patients uuid[]) RETURNS jsonb
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    WITH caller AS MATERIALIZED (SELECT k.me, k.org, k.admin FROM public.app_caller() k),
    asked AS MATERIALIZED (
      SELECT DISTINCT u AS id FROM pg_catalog.unnest(p_patients) AS u WHERE u IS NOT NULL
    )
    SELECT coalesce(pg_catalog.jsonb_object_agg(b.id::text, b.basis) FILTER (WHERE b.basis IS NOT NULL), '{}'::jsonb)
    FROM (
      SELECT a.id, CASE
        WHEN live.id IS NOT NULL AND EXISTS (SELECT 1 FROM public.care_team ct
                     WHERE ct.clinician_id = c.me AND ct.org_id = c.org AND ct.patient_id = a.id)
          THEN 'care_team'
        WHEN live.id IS NOT NULL AND EXISTS (SELECT 1 FROM public.coverage cv
                     JOIN public.care_team ct ON ct.org_id = cv.org_id AND ct.clinician_id = cv.covered_id
                     WHERE cv.covering_id = c.me AND cv.org_id = c.org AND ct.patient_id = a.id
                       AND public.app_cover_active(cv))
          THEN 'coverage'
        WHEN live.id IS NOT NULL AND EXISTS (SELECT 1 FROM public.access_grants g
                     WHERE g.clinician_id = c.me AND g.org_id = c.org AND g.patient_id = a.id
                       AND public.app_grant_running(g))
          THEN 'break_glass'
        WHEN c.admin AND EXISTS (SELECT 1 FROM public.patients p WHERE p.org_id = c.org AND p.id = a.id)
          THEN 'admin'
      END AS basis
      FROM asked a CROSS JOIN caller c
      LEFT JOIN LATERAL (SELECT p.id FROM public.patients p
                          WHERE p.org_id = c.org AND p.id = a.id AND p.archived_at IS NULL) live ON true
      WHERE c.me IS NOT NULL AND c.org IS NOT NULL
    ) b
  $$;
