-- The same answers for less work on every audited read.
--
-- Inside a function, a STABLE call such as app_org_id() in a join or index condition runs again
-- for every row it meets: the visible-ids function called it ~1,000 times for a median panel, each
-- a SECURITY DEFINER call that switches user and search_path. As a scalar sub-select it becomes an
-- InitPlan, evaluated once per statement, the form the policies already use.
CREATE OR REPLACE FUNCTION public.app_visible_patient_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT v.patient_id FROM (
      SELECT ct.patient_id FROM public.care_team ct
      WHERE ct.clinician_id = (SELECT public.app_user_id()) AND ct.org_id = (SELECT public.app_org_id())
      UNION
      SELECT g.patient_id FROM public.access_grants g
      WHERE g.clinician_id = (SELECT public.app_user_id()) AND g.org_id = (SELECT public.app_org_id())
        AND g.expires_at > pg_catalog.now()
      UNION
      SELECT ct.patient_id FROM public.coverage c
      JOIN public.care_team ct ON ct.org_id = c.org_id AND ct.clinician_id = c.covered_id
      WHERE c.covering_id = (SELECT public.app_user_id()) AND c.org_id = (SELECT public.app_org_id())
        AND c.starts_at <= pg_catalog.now() AND c.ends_at > pg_catalog.now()
        AND (c.ended_at IS NULL OR c.ended_at > pg_catalog.now())
    ) v
    WHERE NOT EXISTS (SELECT 1 FROM public.patients p
                      WHERE p.org_id = (SELECT public.app_org_id()) AND p.id = v.patient_id AND p.archived_at IS NOT NULL)
  $$;--> statement-breakpoint

-- app_access_bases() is one SQL statement, not PL/pgSQL holding the visible ids in a variable (each
-- call would plan afresh with those ids inlined as a constant: ~3 ms for a median panel, of which
-- executing is ~0.3 ms). As one SQL statement the visible ids are computed once
-- (MATERIALIZED) and the caller's ids once (InitPlans), and the statement is planned like any other. Same rules, same answer: whether at all is
-- app_visible_patient_ids() (the policies' own function); which branch is read from the same tables;
-- an admin not clinically in reach reads as 'admin'; NULL, unknown ids or no context answer '{}'.
-- SECURITY DEFINER because it reads care teams, cover and grants past the caller's policies;
-- owner, search_path and EXECUTE grants are those of 0012_clinical_integrity.
CREATE OR REPLACE FUNCTION public.app_access_bases(p_patients uuid[]) RETURNS jsonb
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    WITH caller AS MATERIALIZED (
      SELECT (SELECT public.app_user_id()) AS me, (SELECT public.app_org_id()) AS org, (SELECT public.app_is_admin()) AS admin
    ), asked AS MATERIALIZED (
      SELECT DISTINCT u AS id FROM pg_catalog.unnest(p_patients) AS u WHERE u IS NOT NULL
    ), visible AS MATERIALIZED (
      SELECT v.id FROM public.app_visible_patient_ids() AS v(id) WHERE v.id IN (SELECT id FROM asked)
    )
    SELECT coalesce(pg_catalog.jsonb_object_agg(b.id::text, b.basis) FILTER (WHERE b.basis IS NOT NULL), '{}'::jsonb)
    FROM (
      SELECT a.id, CASE
        WHEN a.id IN (SELECT id FROM visible) THEN
          CASE
            WHEN EXISTS (SELECT 1 FROM public.care_team ct
                         WHERE ct.clinician_id = c.me AND ct.org_id = c.org AND ct.patient_id = a.id)
              THEN 'care_team'
            WHEN EXISTS (SELECT 1 FROM public.coverage cv
                         JOIN public.care_team ct ON ct.org_id = cv.org_id AND ct.clinician_id = cv.covered_id
                         WHERE cv.covering_id = c.me AND cv.org_id = c.org AND ct.patient_id = a.id
                           AND cv.starts_at <= pg_catalog.now() AND cv.ends_at > pg_catalog.now()
                           AND (cv.ended_at IS NULL OR cv.ended_at > pg_catalog.now()))
              THEN 'coverage'
            ELSE 'break_glass'
          END
        WHEN c.admin AND EXISTS (SELECT 1 FROM public.patients p WHERE p.org_id = c.org AND p.id = a.id)
          THEN 'admin'
      END AS basis
      FROM asked a CROSS JOIN caller c
      WHERE c.me IS NOT NULL AND c.org IS NOT NULL
    ) b
  $$;--> statement-breakpoint

-- STRICT: an audit row with no patient (a list page, a search) no longer works out the caller's
-- whole visible set to answer NULL.
CREATE OR REPLACE FUNCTION public.app_access_basis(p_patient uuid) RETURNS text
  LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT public.app_access_bases(ARRAY[p_patient]) ->> (p_patient::text) $$;
