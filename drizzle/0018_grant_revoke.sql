-- Emergency-access grants can be revoked. Generated part: revoked_at/revoked_by (set
-- together), the history's keyset index, the admin update policy narrowed to the row invariant (a
-- grant is never reviewed by its grantee) and the grantee's own "end access" policy.
ALTER TABLE "access_grants" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "access_grants" ADD COLUMN "revoked_by" uuid;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_grants_org_granted_idx" ON "access_grants" USING btree ("org_id","granted_at","id");--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_revoked_by" CHECK (("access_grants"."revoked_at" is null) = ("access_grants"."revoked_by" is null));--> statement-breakpoint
CREATE POLICY "access_grants_end_own" ON "access_grants" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ("access_grants"."clinician_id" = (select app_user_id()) and "access_grants"."revoked_at" is null) WITH CHECK ("access_grants"."clinician_id" = (select app_user_id()) and "access_grants"."revoked_by" = (select app_user_id()));--> statement-breakpoint
ALTER POLICY "access_grants_update" ON "access_grants" TO careroster_runtime USING ((select app_is_admin())) WITH CHECK ((select app_is_admin()) and ("access_grants"."reviewed_by" is null or "access_grants"."reviewed_by" <> "access_grants"."clinician_id"));--> statement-breakpoint

-- Which transitions a grant may make. A policy's WITH CHECK sees only the new row: it cannot say
-- "was unreviewed", "stays revoked" or "the one who changed it", and one admin's review must not
-- stop another admin from revoking later. So, for every UPDATE by anyone:
-- * the review is written once, by an active admin of the practice in their own name, never by the
--   grantee (as before 0016), stamped now();
-- * a revocation is written once, in the caller's own name, by an admin of the practice or by the
--   grantee, only while the grant runs, stamped now(); a revoked grant is never un-revoked or
--   re-attributed. Revoking leaves the review columns alone: it does not count as a review.
-- The other columns are not the runtime role's to update at all (column grants below).
-- 42501 (insufficient_privilege) answers FORBIDDEN, as a policy refusal does.
-- Not SECURITY DEFINER: it reads only the caller's own context (app_user_id, app_is_admin).
CREATE OR REPLACE FUNCTION app_access_grants_before_update() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    me uuid := public.app_user_id();
  BEGIN
    IF (NEW.reviewed_by, NEW.reviewed_at, NEW.review_comment) IS DISTINCT FROM (OLD.reviewed_by, OLD.reviewed_at, OLD.review_comment) THEN
      IF OLD.reviewed_at IS NOT NULL OR OLD.reviewed_by IS NOT NULL THEN
        RAISE EXCEPTION 'an emergency grant is reviewed once' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF me IS NULL OR NEW.reviewed_by IS DISTINCT FROM me OR NEW.clinician_id = me OR NOT public.app_is_admin() THEN
        RAISE EXCEPTION 'only another admin of the practice reviews a grant, in their own name' USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.reviewed_at := pg_catalog.now();
    END IF;
    IF (NEW.revoked_at, NEW.revoked_by) IS DISTINCT FROM (OLD.revoked_at, OLD.revoked_by) THEN
      IF OLD.revoked_at IS NOT NULL OR OLD.revoked_by IS NOT NULL THEN
        RAISE EXCEPTION 'a revoked grant stays revoked' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF me IS NULL OR NEW.revoked_by IS DISTINCT FROM me OR NEW.revoked_at IS NULL
         OR NOT (public.app_is_admin() OR OLD.clinician_id = me) THEN
        RAISE EXCEPTION 'a grant is revoked by an admin of the practice or its grantee, in their own name' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF OLD.expires_at <= pg_catalog.now() THEN
        RAISE EXCEPTION 'an expired grant cannot be revoked' USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.revoked_at := pg_catalog.now();
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER access_grants_before_update BEFORE UPDATE ON access_grants
  FOR EACH ROW EXECUTE FUNCTION app_access_grants_before_update();--> statement-breakpoint
-- Trigger functions need no EXECUTE grant for their triggers to fire.
REVOKE ALL ON FUNCTION app_access_grants_before_update() FROM PUBLIC, careroster_runtime;--> statement-breakpoint

-- The runtime role writes the revocation columns too (and still no other column of a grant).
GRANT UPDATE (revoked_at, revoked_by) ON access_grants TO careroster_runtime;--> statement-breakpoint

-- The one visibility rule, as in 0017 (caller read once, archived left out by an anti-join), with
-- revoked grants left out: a revocation ends the chart at once (the next statement), like expiry.
-- SECURITY DEFINER because care_team's own policy calls it.
CREATE OR REPLACE FUNCTION app_visible_patient_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT v.patient_id FROM (
      SELECT ct.patient_id FROM public.care_team ct
      WHERE ct.clinician_id = (SELECT public.app_user_id()) AND ct.org_id = (SELECT public.app_org_id())
      UNION
      SELECT g.patient_id FROM public.access_grants g
      WHERE g.clinician_id = (SELECT public.app_user_id()) AND g.org_id = (SELECT public.app_org_id())
        AND g.expires_at > pg_catalog.now() AND g.revoked_at IS NULL
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
REVOKE ALL ON FUNCTION app_visible_patient_ids() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_visible_patient_ids() TO careroster_runtime;
