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

-- The next ids of the caller's list by name after a key (NULLs: from the start), in list order:
-- an admin's from the practice's name index; anyone else's merged from their visibility sources
-- (the same three as app_visible_patient_ids), each read as a range in list order. A candidate
-- list only: the query that shows the rows still reads patients under its policies.
CREATE FUNCTION public.app_list_page_ids(p_family text, p_given text, p_id uuid, p_limit integer)
  RETURNS uuid[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    WITH caller AS MATERIALIZED (
      SELECT (SELECT public.app_user_id()) AS me, (SELECT public.app_org_id()) AS org, (SELECT public.app_is_admin()) AS admin
    )
    SELECT CASE WHEN c.admin THEN ARRAY(
      SELECT p.id FROM public.patients p
       WHERE p.org_id = c.org AND p.archived_at IS NULL
         AND (p_id IS NULL OR (p.family_name, p.given_name, p.id) > (p_family, p_given, p_id))
       ORDER BY p.family_name, p.given_name, p.id LIMIT p_limit)
    ELSE ARRAY(
      SELECT DISTINCT ON (s.f, s.g, s.id) s.id FROM (
        SELECT ct.sort_family AS f, ct.sort_given AS g, ct.patient_id AS id FROM public.care_team ct
         WHERE ct.clinician_id = c.me AND ct.org_id = c.org
           AND (p_id IS NULL OR (ct.sort_family, ct.sort_given, ct.patient_id) > (p_family, p_given, p_id))
        UNION ALL
        SELECT ct.sort_family, ct.sort_given, ct.patient_id FROM public.coverage cv
          JOIN public.care_team ct ON ct.org_id = cv.org_id AND ct.clinician_id = cv.covered_id
         WHERE cv.covering_id = c.me AND cv.org_id = c.org AND public.app_cover_active(cv)
           AND (p_id IS NULL OR (ct.sort_family, ct.sort_given, ct.patient_id) > (p_family, p_given, p_id))
        UNION ALL
        SELECT p.family_name, p.given_name, p.id FROM public.access_grants g
          JOIN public.patients p ON p.org_id = g.org_id AND p.id = g.patient_id
         WHERE g.clinician_id = c.me AND g.org_id = c.org AND public.app_grant_running(g)
           AND (p_id IS NULL OR (p.family_name, p.given_name, p.id) > (p_family, p_given, p_id))
      ) s
      WHERE NOT EXISTS (SELECT 1 FROM public.patients a
                         WHERE a.org_id = c.org AND a.id = s.id AND a.archived_at IS NOT NULL)
      ORDER BY s.f, s.g, s.id LIMIT p_limit)
    END
    FROM caller c
    WHERE c.me IS NOT NULL AND c.org IS NOT NULL
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_list_page_ids(text, text, uuid, integer) OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_list_page_ids(text, text, uuid, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_list_page_ids(text, text, uuid, integer) TO careroster_runtime;
