-- "A running grant" and "an active cover", each defined once. The visibility function, the basis
-- functions and the app's own queries (list badges, chart banner, access explainer) all ask these
-- instead of restating the conditions.
--
-- Plain SQL functions of the row, STABLE (now()), SECURITY INVOKER and without SET: that is what
-- lets the planner inline them, so inside app_visible_patient_ids() the call becomes the same column
-- conditions as before (`g.revoked_at IS NULL AND g.expires_at > now()`), with the same plan and the
-- same index conditions. A SQL-standard body (RETURN …) is parsed once, here: its names are bound
-- now, so no caller's search_path or pg_temp objects can change what it means, and the columns it
-- reads cannot be dropped from under it. They read only the row they are given, which the caller
-- has already been allowed to read; EXECUTE is for the roles that call them.

-- A break-glass grant runs from its creation until it expires or is revoked, whichever is first.
CREATE OR REPLACE FUNCTION public.app_grant_running(g public.access_grants) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN g.revoked_at IS NULL AND g.expires_at > pg_catalog.now();--> statement-breakpoint

-- A cover is active from its start until its planned end, or until it was ended early.
CREATE OR REPLACE FUNCTION public.app_cover_active(c public.coverage) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN c.starts_at <= pg_catalog.now() AND c.ends_at > pg_catalog.now()
     AND (c.ended_at IS NULL OR c.ended_at > pg_catalog.now());--> statement-breakpoint

-- When a cover ends: its planned end, or its early end when that comes first (what "until" shows).
CREATE OR REPLACE FUNCTION public.app_cover_until(c public.coverage) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN LEAST(c.ends_at, c.ended_at);--> statement-breakpoint

REVOKE ALL ON FUNCTION public.app_grant_running(public.access_grants), public.app_cover_active(public.coverage),
  public.app_cover_until(public.coverage) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_grant_running(public.access_grants), public.app_cover_active(public.coverage),
  public.app_cover_until(public.coverage) TO careroster_runtime;--> statement-breakpoint

-- The one visibility rule, as in 0018, with the grant and cover conditions taken from the functions
-- above. SECURITY DEFINER, search_path, owner and grants are unchanged (CREATE OR REPLACE keeps them).
CREATE OR REPLACE FUNCTION public.app_visible_patient_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT v.patient_id FROM (
      SELECT ct.patient_id FROM public.care_team ct
      WHERE ct.clinician_id = (SELECT public.app_user_id()) AND ct.org_id = (SELECT public.app_org_id())
      UNION
      SELECT g.patient_id FROM public.access_grants g
      WHERE g.clinician_id = (SELECT public.app_user_id()) AND g.org_id = (SELECT public.app_org_id())
        AND public.app_grant_running(g)
      UNION
      SELECT ct.patient_id FROM public.coverage c
      JOIN public.care_team ct ON ct.org_id = c.org_id AND ct.clinician_id = c.covered_id
      WHERE c.covering_id = (SELECT public.app_user_id()) AND c.org_id = (SELECT public.app_org_id())
        AND public.app_cover_active(c)
    ) v
    WHERE NOT EXISTS (SELECT 1 FROM public.patients p
                      WHERE p.org_id = (SELECT public.app_org_id()) AND p.id = v.patient_id AND p.archived_at IS NOT NULL)
  $$;--> statement-breakpoint

-- The basis, as in 0017, with the cover condition from app_cover_active (a visible patient that is
-- neither on the caller's team nor under an active cover is there by a running grant).
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
                           AND public.app_cover_active(cv))
              THEN 'coverage'
            ELSE 'break_glass'
          END
        WHEN c.admin AND EXISTS (SELECT 1 FROM public.patients p WHERE p.org_id = c.org AND p.id = a.id)
          THEN 'admin'
      END AS basis
      FROM asked a CROSS JOIN caller c
      WHERE c.me IS NOT NULL AND c.org IS NOT NULL
    ) b
  $$;
