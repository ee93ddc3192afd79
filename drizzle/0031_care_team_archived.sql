-- A care-team row says whether its patient is archived, kept by the database like the sort keys
-- (0026): set on insert from the patient whatever the inserter wrote, rewritten when the patient
-- is archived or restored. A clinician's live panel is then one partial index, read without a probe
-- of the archive per patient: the visible set, the list's ranges and the total all start there.
ALTER TABLE public.care_team ADD COLUMN patient_archived boolean NOT NULL DEFAULT false;--> statement-breakpoint
UPDATE public.care_team ct SET patient_archived = true
  FROM public.patients p WHERE p.org_id = ct.org_id AND p.id = ct.patient_id AND p.archived_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX care_team_live_idx ON public.care_team (clinician_id, org_id, patient_id) WHERE NOT patient_archived;--> statement-breakpoint
CREATE INDEX care_team_live_list_idx ON public.care_team (clinician_id, org_id, sort_family, sort_given, patient_id)
  WHERE NOT patient_archived;--> statement-breakpoint
DROP INDEX public.care_team_list_idx;--> statement-breakpoint

CREATE OR REPLACE FUNCTION public.app_care_team_sort_key() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    SELECT p.family_name, p.given_name, p.archived_at IS NOT NULL
      INTO NEW.sort_family, NEW.sort_given, NEW.patient_archived
      FROM public.patients p WHERE p.org_id = NEW.org_id AND p.id = NEW.patient_id;
    -- Answer as the foreign key would (it runs only after this trigger's NULLs fail NOT NULL).
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no such patient in this practice' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint

-- Archiving or restoring a patient moves every care-team row of theirs in or out of the live panels.
CREATE FUNCTION public.app_patients_archive_flag() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    UPDATE public.care_team ct SET patient_archived = NEW.archived_at IS NOT NULL
     WHERE ct.org_id = NEW.org_id AND ct.patient_id = NEW.id;
    RETURN NULL;
  END
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_patients_archive_flag() OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_patients_archive_flag() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER patients_archive_flag AFTER UPDATE OF archived_at ON public.patients
  FOR EACH ROW WHEN ((NEW.archived_at IS NULL) IS DISTINCT FROM (OLD.archived_at IS NULL))
  EXECUTE FUNCTION public.app_patients_archive_flag();--> statement-breakpoint

-- The live panel from care_team_live_idx; only a grant names a patient without a care-team row,
-- so only grants are probed against the archive.
CREATE OR REPLACE FUNCTION public.app_visible_patient_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    WITH caller AS MATERIALIZED (SELECT k.me, k.org FROM public.app_caller() k)
    SELECT v.patient_id FROM caller c CROSS JOIN LATERAL (
      SELECT ct.patient_id FROM public.care_team ct
      WHERE ct.clinician_id = c.me AND ct.org_id = c.org AND NOT ct.patient_archived
      UNION
      SELECT g.patient_id FROM public.access_grants g
      WHERE g.clinician_id = c.me AND g.org_id = c.org AND public.app_grant_running(g)
        AND NOT coalesce((SELECT true FROM public.patients p
                          WHERE p.org_id = c.org AND p.id = g.patient_id AND p.archived_at IS NOT NULL), false)
      UNION
      SELECT ct.patient_id FROM public.coverage cv
      JOIN public.care_team ct ON ct.org_id = cv.org_id AND ct.clinician_id = cv.covered_id
      WHERE cv.covering_id = c.me AND cv.org_id = c.org AND public.app_cover_active(cv) AND NOT ct.patient_archived
    ) v
  $$;--> statement-breakpoint

-- The care-team ranges skip archived patients in the index itself; the generic plan stays (0029).
CREATE OR REPLACE FUNCTION public.app_list_page_ids(p_family text, p_given text, p_id uuid, p_limit integer)
  RETURNS uuid[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan
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
          WHERE ct.clinician_id = c.me AND ct.org_id = c.org AND NOT ct.patient_archived
            AND (ct.sort_family, ct.sort_given, ct.patient_id) > (c.after_f, c.after_g, c.after_id)
          ORDER BY ct.sort_family, ct.sort_given, ct.patient_id LIMIT p_limit)
        UNION ALL
        SELECT t.f, t.g, t.id FROM public.coverage cv
         CROSS JOIN LATERAL (
           SELECT ct.sort_family AS f, ct.sort_given AS g, ct.patient_id AS id FROM public.care_team ct
            WHERE ct.clinician_id = cv.covered_id AND ct.org_id = c.org AND NOT ct.patient_archived
              AND (ct.sort_family, ct.sort_given, ct.patient_id) > (c.after_f, c.after_g, c.after_id)
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
  $$;
