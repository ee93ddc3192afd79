CREATE TABLE "clinical_note_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"note_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"error_reason" text,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clinical_note_versions_note_version_key" UNIQUE("org_id","note_id","version")
);
--> statement-breakpoint
ALTER TABLE "clinical_note_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "coverage" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"covering_id" uuid NOT NULL,
	"covered_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"starts_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coverage_not_self" CHECK ("coverage"."covering_id" <> "coverage"."covered_id"),
	CONSTRAINT "coverage_window" CHECK ("coverage"."ends_at" > "coverage"."starts_at" and "coverage"."ends_at" <= "coverage"."starts_at" + interval '30 days'),
	CONSTRAINT "coverage_reason_present" CHECK (length(btrim("coverage"."reason")) >= 5),
	CONSTRAINT "coverage_ended_by" CHECK (("coverage"."ended_at" is null) = ("coverage"."ended_by" is null))
);
--> statement-breakpoint
ALTER TABLE "coverage" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD COLUMN "status" text DEFAULT 'draft' NOT NULL;--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD COLUMN "signed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD COLUMN "addendum_to" uuid;--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD COLUMN "error_reason" text;--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD COLUMN "error_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "basis" text;--> statement-breakpoint
-- (moved up by hand: the foreign keys below reference it)
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_org_id_key" UNIQUE("org_id","id");--> statement-breakpoint
ALTER TABLE "clinical_note_versions" ADD CONSTRAINT "clinical_note_versions_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinical_note_versions" ADD CONSTRAINT "clinical_note_versions_org_id_note_id_clinical_notes_org_id_id_fk" FOREIGN KEY ("org_id","note_id") REFERENCES "public"."clinical_notes"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coverage" ADD CONSTRAINT "coverage_ended_by_users_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coverage" ADD CONSTRAINT "coverage_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coverage" ADD CONSTRAINT "coverage_covering_id_org_id_memberships_user_id_org_id_fk" FOREIGN KEY ("covering_id","org_id") REFERENCES "public"."memberships"("user_id","org_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coverage" ADD CONSTRAINT "coverage_covered_id_org_id_memberships_user_id_org_id_fk" FOREIGN KEY ("covered_id","org_id") REFERENCES "public"."memberships"("user_id","org_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "clinical_note_versions_org_patient_idx" ON "clinical_note_versions" USING btree ("org_id","patient_id");--> statement-breakpoint
CREATE INDEX "coverage_covering_org_ends_idx" ON "coverage" USING btree ("covering_id","org_id","ends_at");--> statement-breakpoint
CREATE INDEX "coverage_org_covered_idx" ON "coverage" USING btree ("org_id","covered_id","ends_at");--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_org_id_addendum_to_clinical_notes_org_id_id_fk" FOREIGN KEY ("org_id","addendum_to") REFERENCES "public"."clinical_notes"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "clinical_notes_org_author_status_idx" ON "clinical_notes" USING btree ("org_id","author_id","status","created_at");--> statement-breakpoint
CREATE INDEX "clinical_notes_org_addendum_idx" ON "clinical_notes" USING btree ("org_id","addendum_to");--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_status_known" CHECK ("clinical_notes"."status" in ('draft', 'signed', 'entered_in_error'));--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_signed_at" CHECK (("clinical_notes"."status" <> 'signed' or "clinical_notes"."signed_at" is not null) and ("clinical_notes"."status" <> 'draft' or "clinical_notes"."signed_at" is null));--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_error_reason" CHECK (("clinical_notes"."status" = 'entered_in_error') = ("clinical_notes"."error_reason" is not null and "clinical_notes"."error_at" is not null));--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_error_reason_present" CHECK ("clinical_notes"."error_reason" is null or length(btrim("clinical_notes"."error_reason")) >= 5);--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_addendum_signed" CHECK ("clinical_notes"."addendum_to" is null or "clinical_notes"."status" <> 'draft');--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_basis_known" CHECK ("audit_events"."basis" is null or "audit_events"."basis" in ('care_team', 'coverage', 'break_glass', 'admin'));--> statement-breakpoint
CREATE POLICY "clinical_note_versions_org_isolation" ON "clinical_note_versions" AS RESTRICTIVE FOR ALL TO "careroster_runtime" USING ("clinical_note_versions"."org_id" = (select app_org_id())) WITH CHECK ("clinical_note_versions"."org_id" = (select app_org_id()));--> statement-breakpoint
CREATE POLICY "clinical_note_versions_select" ON "clinical_note_versions" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ("clinical_note_versions"."patient_id" = any (array(select app_visible_patient_ids())));--> statement-breakpoint
CREATE POLICY "coverage_org_isolation" ON "coverage" AS RESTRICTIVE FOR ALL TO "careroster_runtime" USING ("coverage"."org_id" = (select app_org_id())) WITH CHECK ("coverage"."org_id" = (select app_org_id()));--> statement-breakpoint
CREATE POLICY "coverage_select_admin" ON "coverage" AS PERMISSIVE FOR SELECT TO "careroster_admin" USING ((select app_is_admin()));--> statement-breakpoint
CREATE POLICY "coverage_select" ON "coverage" AS PERMISSIVE FOR SELECT TO "careroster_clinician" USING ("coverage"."covering_id" = (select app_user_id()) or "coverage"."covered_id" = (select app_user_id()));--> statement-breakpoint
CREATE POLICY "coverage_insert_admin" ON "coverage" AS PERMISSIVE FOR INSERT TO "careroster_admin" WITH CHECK ((select app_is_admin()) and "coverage"."created_by" = (select app_user_id()) and "coverage"."covering_id" <> (select app_user_id()) and "coverage"."ended_at" is null);--> statement-breakpoint
CREATE POLICY "coverage_insert" ON "coverage" AS PERMISSIVE FOR INSERT TO "careroster_clinician" WITH CHECK ("coverage"."covered_id" = (select app_user_id()) and "coverage"."covering_id" <> (select app_user_id()) and "coverage"."created_by" = (select app_user_id()) and "coverage"."ended_at" is null);--> statement-breakpoint
CREATE POLICY "coverage_update_admin" ON "coverage" AS PERMISSIVE FOR UPDATE TO "careroster_admin" USING ((select app_is_admin())) WITH CHECK ((select app_is_admin()) and "coverage"."ended_by" = (select app_user_id()));--> statement-breakpoint
CREATE POLICY "coverage_update" ON "coverage" AS PERMISSIVE FOR UPDATE TO "careroster_clinician" USING ("coverage"."covering_id" = (select app_user_id()) or "coverage"."covered_id" = (select app_user_id())) WITH CHECK (("coverage"."covering_id" = (select app_user_id()) or "coverage"."covered_id" = (select app_user_id())) and "coverage"."ended_by" = (select app_user_id()));--> statement-breakpoint
ALTER POLICY "clinical_notes_insert" ON "clinical_notes" TO careroster_runtime WITH CHECK ("clinical_notes"."author_id" = (select app_user_id()) and "clinical_notes"."patient_id" = any (array(select app_visible_patient_ids())) and "clinical_notes"."error_reason" is null and "clinical_notes"."version" = 1
        and (("clinical_notes"."status" = 'draft' and "clinical_notes"."addendum_to" is null) or ("clinical_notes"."status" = 'signed' and "clinical_notes"."addendum_to" is not null)));--> statement-breakpoint
ALTER POLICY "clinical_notes_update_own" ON "clinical_notes" TO careroster_runtime USING ("clinical_notes"."author_id" = (select app_user_id()) and "clinical_notes"."patient_id" = any (array(select app_visible_patient_ids())) and "clinical_notes"."status" <> 'entered_in_error') WITH CHECK ("clinical_notes"."author_id" = (select app_user_id()) and "clinical_notes"."patient_id" = any (array(select app_visible_patient_ids())) and ("clinical_notes"."status" <> 'draft' or "clinical_notes"."signed_at" is null));--> statement-breakpoint

-- ===== Hand-written part: FORCE, grants, functions, triggers. =====

ALTER TABLE clinical_note_versions FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE coverage FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- Notes written before signing existed were final records: they become signed as they stand.
UPDATE clinical_notes SET status = 'signed', signed_at = updated_at WHERE status = 'draft';--> statement-breakpoint
INSERT INTO clinical_note_versions (org_id, note_id, patient_id, version, body, status, changed_by, changed_at)
  SELECT n.org_id, n.id, n.patient_id, 1, n.body, n.status, n.author_id, n.updated_at FROM clinical_notes n;--> statement-breakpoint

-- Grants. Notes: the runtime role writes body, status and error_reason only (the triggers stamp
-- signed_at, error_at, version, updated_at); no DELETE. Versions: read only (the trigger writes).
-- Coverage: insert, and end early (ended_at, ended_by); never DELETE.
REVOKE UPDATE ON clinical_notes FROM careroster_runtime;--> statement-breakpoint
REVOKE DELETE ON clinical_notes FROM careroster_runtime;--> statement-breakpoint
GRANT UPDATE (body, status, error_reason) ON clinical_notes TO careroster_runtime;--> statement-breakpoint
GRANT SELECT ON clinical_note_versions TO careroster_runtime;--> statement-breakpoint
GRANT SELECT, INSERT ON coverage TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (ended_at, ended_by) ON coverage TO careroster_runtime;--> statement-breakpoint
REVOKE TRUNCATE, REFERENCES, TRIGGER ON clinical_note_versions, coverage FROM careroster_runtime, careroster_admin, careroster_clinician;--> statement-breakpoint

-- ---- Signed notes never change ----
-- New notes: the database stamps the times and the version; an addendum must name a signed,
-- original note of the same patient (which the insert policy already requires to be visible).
-- SECURITY INVOKER: the parent is looked up under the caller's own policies.
CREATE OR REPLACE FUNCTION app_clinical_notes_before_insert() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE parent record;
  BEGIN
    -- The app's paths (a request context is set) get the database's clock; the owner's seed may
    -- write history with its own times.
    IF public.app_user_id() IS NOT NULL THEN
      NEW.created_at := pg_catalog.now();
      NEW.updated_at := NEW.created_at;
      NEW.signed_at := CASE WHEN NEW.status = 'signed' THEN NEW.created_at END;
    END IF;
    NEW.version := 1;
    NEW.error_at := NULL;
    IF NEW.addendum_to IS NOT NULL THEN
      SELECT n.status, n.patient_id, n.addendum_to INTO parent FROM public.clinical_notes n
        WHERE n.org_id = NEW.org_id AND n.id = NEW.addendum_to;
      IF NOT FOUND OR parent.patient_id <> NEW.patient_id THEN
        RAISE EXCEPTION 'no such note for this patient' USING ERRCODE = 'foreign_key_violation';
      END IF;
      IF parent.status <> 'signed' OR parent.addendum_to IS NOT NULL THEN
        RAISE EXCEPTION 'addenda attach to signed notes only' USING ERRCODE = 'check_violation';
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER clinical_notes_before_insert BEFORE INSERT ON clinical_notes
  FOR EACH ROW EXECUTE FUNCTION app_clinical_notes_before_insert();--> statement-breakpoint

-- The lock, for every role including careroster_owner (only disabling the trigger gets past it):
-- author, patient, practice, parent and creation time never change; a draft's body may change
-- and it may be signed (signed_at = now()); a signed note may only become entered_in_error (same
-- body, a reason, error_at = now()); entered_in_error is final. Every change bumps the version.
CREATE OR REPLACE FUNCTION app_clinical_notes_lock() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF NEW.org_id IS DISTINCT FROM OLD.org_id OR NEW.author_id IS DISTINCT FROM OLD.author_id
       OR NEW.patient_id IS DISTINCT FROM OLD.patient_id OR NEW.addendum_to IS DISTINCT FROM OLD.addendum_to
       OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
      RAISE EXCEPTION 'a note keeps its author, patient and place in the record' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status = 'entered_in_error' THEN
      RAISE EXCEPTION 'a note entered in error is final' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status = 'signed' THEN
      IF NEW.status <> 'entered_in_error' OR NEW.body IS DISTINCT FROM OLD.body OR NEW.signed_at IS DISTINCT FROM OLD.signed_at THEN
        RAISE EXCEPTION 'a signed note never changes; write an addendum' USING ERRCODE = 'insufficient_privilege';
      END IF;
    ELSIF NEW.status = 'signed' THEN
      NEW.signed_at := pg_catalog.now();
    ELSIF NEW.status = 'entered_in_error' AND NEW.body IS DISTINCT FROM OLD.body THEN
      RAISE EXCEPTION 'marking a note in error keeps its text' USING ERRCODE = 'insufficient_privilege';
    ELSE
      NEW.signed_at := NULL;
    END IF;
    IF NEW.status = 'entered_in_error' THEN
      NEW.error_at := pg_catalog.now();
    ELSE
      NEW.error_reason := NULL;
      NEW.error_at := NULL;
    END IF;
    NEW.version := OLD.version + 1;
    NEW.updated_at := pg_catalog.now();
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER clinical_notes_lock BEFORE UPDATE ON clinical_notes
  FOR EACH ROW EXECUTE FUNCTION app_clinical_notes_lock();--> statement-breakpoint

-- Every version of every note. SECURITY DEFINER because the runtime role may not write the
-- history table at all (so no one can forge or erase a version); it only reads it.
CREATE OR REPLACE FUNCTION app_clinical_notes_history() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    INSERT INTO public.clinical_note_versions (org_id, note_id, patient_id, version, body, status, error_reason, changed_by, changed_at)
    VALUES (NEW.org_id, NEW.id, NEW.patient_id, NEW.version, NEW.body, NEW.status, NEW.error_reason,
            coalesce(public.app_user_id(), NEW.author_id), NEW.updated_at);
    RETURN NULL;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER clinical_notes_history AFTER INSERT OR UPDATE ON clinical_notes
  FOR EACH ROW EXECUTE FUNCTION app_clinical_notes_history();--> statement-breakpoint

-- ---- Coverage ----
-- Cover is between two active clinicians of the practice (an admin's panel is no clinical panel).
-- SECURITY DEFINER: the check reads memberships of colleagues regardless of the caller's policies.
CREATE OR REPLACE FUNCTION app_coverage_before_insert() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    NEW.created_at := pg_catalog.now();
    IF (SELECT pg_catalog.count(*) FROM public.memberships m
        WHERE m.org_id = NEW.org_id AND m.user_id IN (NEW.covering_id, NEW.covered_id)
          AND m.role = 'clinician' AND m.status = 'active') <> 2 THEN
      RAISE EXCEPTION 'cover is arranged between two active clinicians of the practice' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER coverage_before_insert BEFORE INSERT ON coverage
  FOR EACH ROW EXECUTE FUNCTION app_coverage_before_insert();--> statement-breakpoint

-- A coverage only ever ends early, once, at the moment it is ended; nothing else changes.
CREATE OR REPLACE FUNCTION app_coverage_before_update() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF OLD.ended_at IS NOT NULL OR NEW.ended_at IS NULL
       OR (NEW.org_id, NEW.covering_id, NEW.covered_id, NEW.reason, NEW.starts_at, NEW.ends_at, NEW.created_by, NEW.created_at)
          IS DISTINCT FROM (OLD.org_id, OLD.covering_id, OLD.covered_id, OLD.reason, OLD.starts_at, OLD.ends_at, OLD.created_by, OLD.created_at) THEN
      RAISE EXCEPTION 'a coverage can only be ended, once' USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.ended_at := pg_catalog.now();
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER coverage_before_update BEFORE UPDATE ON coverage
  FOR EACH ROW EXECUTE FUNCTION app_coverage_before_update();--> statement-breakpoint
CREATE TRIGGER coverage_forbid_org_change BEFORE UPDATE ON coverage
  FOR EACH ROW EXECUTE FUNCTION app_forbid_org_change();--> statement-breakpoint

-- The one visibility rule, extended: care team, unexpired break-glass grants, and the care-team
-- patients of every clinician the caller covers right now (direct cover only: what the covered
-- clinician sees through their own cover or grants is not passed on). Archived patients stay out.
-- SECURITY DEFINER (as before) because care_team's own policy calls it: reading care_team under
-- the caller's policies would recurse.
CREATE OR REPLACE FUNCTION app_visible_patient_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT v.patient_id FROM (
      SELECT ct.patient_id FROM public.care_team ct
      WHERE ct.clinician_id = public.app_user_id() AND ct.org_id = public.app_org_id()
      UNION
      SELECT g.patient_id FROM public.access_grants g
      WHERE g.clinician_id = public.app_user_id() AND g.org_id = public.app_org_id()
        AND g.expires_at > pg_catalog.now()
      UNION
      SELECT ct.patient_id FROM public.coverage c
      JOIN public.care_team ct ON ct.org_id = c.org_id AND ct.clinician_id = c.covered_id
      WHERE c.covering_id = public.app_user_id() AND c.org_id = public.app_org_id()
        AND c.starts_at <= pg_catalog.now() AND c.ends_at > pg_catalog.now()
        AND (c.ended_at IS NULL OR c.ended_at > pg_catalog.now())
    ) v
    WHERE EXISTS (SELECT 1 FROM public.patients p
                  WHERE p.org_id = public.app_org_id() AND p.id = v.patient_id AND p.archived_at IS NULL)
  $$;--> statement-breakpoint

-- On what basis the caller reaches each of some patients right now, for the audit row written at
-- the time of access: whether at all is app_visible_patient_ids() (the policies' own function,
-- evaluated once per call); which branch is then read from the same tables; an admin who is not
-- clinically in reach reads as 'admin'. Answers {patient id: basis}, leaving out patients the
-- caller cannot reach; NULL, unknown ids or no context answer '{}'.
-- SECURITY DEFINER because it reads care teams, cover and grants past the caller's policies.
CREATE OR REPLACE FUNCTION app_access_bases(p_patients uuid[]) RETURNS jsonb
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    me uuid := public.app_user_id();
    org uuid := public.app_org_id();
    visible uuid[];
    admin boolean;
  BEGIN
    IF p_patients IS NULL OR me IS NULL OR org IS NULL THEN
      RETURN '{}'::jsonb;
    END IF;
    visible := ARRAY(SELECT public.app_visible_patient_ids());
    admin := public.app_is_admin();
    RETURN coalesce((
      SELECT pg_catalog.jsonb_object_agg(x.id::text, b.basis)
      FROM (SELECT DISTINCT u AS id FROM pg_catalog.unnest(p_patients) AS u WHERE u IS NOT NULL) x
      CROSS JOIN LATERAL (SELECT CASE
        WHEN x.id = ANY (visible) THEN
          CASE
            WHEN EXISTS (SELECT 1 FROM public.care_team ct
                         WHERE ct.clinician_id = me AND ct.org_id = org AND ct.patient_id = x.id)
              THEN 'care_team'
            WHEN EXISTS (SELECT 1 FROM public.coverage c
                         JOIN public.care_team ct ON ct.org_id = c.org_id AND ct.clinician_id = c.covered_id
                         WHERE c.covering_id = me AND c.org_id = org AND ct.patient_id = x.id
                           AND c.starts_at <= pg_catalog.now() AND c.ends_at > pg_catalog.now()
                           AND (c.ended_at IS NULL OR c.ended_at > pg_catalog.now()))
              THEN 'coverage'
            ELSE 'break_glass'
          END
        WHEN admin AND EXISTS (SELECT 1 FROM public.patients p WHERE p.org_id = org AND p.id = x.id)
          THEN 'admin'
      END AS basis) b
      WHERE b.basis IS NOT NULL), '{}'::jsonb);
  END
  $$;--> statement-breakpoint

-- One patient's basis (or NULL): the chart header and the audit trigger use it.
-- SECURITY DEFINER only to keep the same rights as app_access_bases (which it calls).
CREATE OR REPLACE FUNCTION app_access_basis(p_patient uuid) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT public.app_access_bases(ARRAY[p_patient]) ->> (p_patient::text) $$;--> statement-breakpoint

-- The basis of every audit row comes from the database at the moment it is written, not from the
-- app (which could not forge it) and not recomputed later. A list page records one basis per id.
CREATE OR REPLACE FUNCTION app_audit_basis() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF public.app_user_id() IS NOT NULL THEN
      NEW.basis := public.app_access_basis(NEW.patient_id);
      IF NEW.patient_id IS NULL AND pg_catalog.jsonb_typeof(NEW.detail -> 'patientIds') = 'array' THEN
        NEW.detail := NEW.detail || pg_catalog.jsonb_build_object('bases', public.app_access_bases(ARRAY(
          SELECT x.id::uuid FROM pg_catalog.jsonb_array_elements_text(NEW.detail -> 'patientIds') AS x(id)
          WHERE x.id ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')));
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER audit_events_basis BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION app_audit_basis();--> statement-breakpoint
CREATE INDEX audit_events_org_patient_ids_idx ON audit_events USING gin ((detail -> 'patientIds') jsonb_path_ops);--> statement-breakpoint

-- EXECUTE: closed to PUBLIC; the runtime role calls the visibility and basis functions (the
-- audit trigger runs as the caller). Trigger functions need no EXECUTE grant.
REVOKE ALL ON FUNCTION app_clinical_notes_before_insert(), app_clinical_notes_lock(), app_clinical_notes_history(),
  app_coverage_before_insert(), app_coverage_before_update(), app_audit_basis(), app_access_basis(uuid),
  app_access_bases(uuid[]), app_visible_patient_ids() FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION app_clinical_notes_before_insert(), app_clinical_notes_lock(), app_clinical_notes_history(),
  app_coverage_before_insert(), app_coverage_before_update(), app_audit_basis() FROM careroster_runtime;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_visible_patient_ids(), app_access_basis(uuid), app_access_bases(uuid[]) TO careroster_runtime;
