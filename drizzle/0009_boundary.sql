-- Closing the database boundary. Generated part: composite key for reminders, no
-- self-assignment to a care team, no self-review of an emergency grant, grants always created unreviewed.
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_org_id_key" UNIQUE("org_id","id");--> statement-breakpoint
ALTER TABLE "appointment_reminders" DROP CONSTRAINT "appointment_reminders_appointment_id_appointments_id_fk";
--> statement-breakpoint
ALTER TABLE "appointment_reminders" ADD CONSTRAINT "appointment_reminders_org_id_appointment_id_appointments_org_id_id_fk" FOREIGN KEY ("org_id","appointment_id") REFERENCES "public"."appointments"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER POLICY "care_team_insert" ON "care_team" TO careroster_runtime WITH CHECK ((select app_is_admin()) and "care_team"."clinician_id" <> (select app_user_id()) and "care_team"."assigned_by" = (select app_user_id()));--> statement-breakpoint
ALTER POLICY "care_team_update" ON "care_team" TO careroster_runtime USING ((select app_is_admin())) WITH CHECK ((select app_is_admin()) and "care_team"."clinician_id" <> (select app_user_id()) and "care_team"."assigned_by" = (select app_user_id()));--> statement-breakpoint
ALTER POLICY "access_grants_insert" ON "access_grants" TO careroster_runtime WITH CHECK ("access_grants"."clinician_id" = (select app_user_id()) and "access_grants"."granted_at" = now() and "access_grants"."reviewed_by" is null and "access_grants"."reviewed_at" is null and "access_grants"."review_comment" is null);--> statement-breakpoint
ALTER POLICY "access_grants_update" ON "access_grants" TO careroster_runtime USING ((select app_is_admin())) WITH CHECK ((select app_is_admin()) and "access_grants"."reviewed_by" = (select app_user_id()) and "access_grants"."clinician_id" <> (select app_user_id()));--> statement-breakpoint

-- Definer functions run with careroster_owner's rights. PostgreSQL searches pg_temp FIRST for
-- relations and types unless the path names it, so `pg_catalog, public` let a caller's temporary
-- domain or table be resolved inside the function; pinning pg_temp last (every name in the bodies
-- is schema-qualified) closes that. Trigger and plain functions get the same pin for uniformity.
ALTER FUNCTION app_org_id() SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_is_admin() SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_my_org_ids() SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_auth_user(text) SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_find_user_id_by_email(text) SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_patient_directory(text) SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_login_failures(text[], interval) SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_login_record_failure(text[]) SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_login_clear(text) SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_job_practices() SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_forbid_org_change() SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_patients_before_update() SET search_path = pg_catalog, pg_temp;--> statement-breakpoint
ALTER FUNCTION app_patients_creator_on_care_team() SET search_path = pg_catalog, pg_temp;--> statement-breakpoint

-- Archived means read-only for clinicians: an archived patient leaves every clinician's visible
-- set, so each clinician policy built on it (notes, appointments, care team, reminders) refuses
-- reads and writes alike. The join uses patients' (org_id, id) key.
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
    ) v
    WHERE EXISTS (SELECT 1 FROM public.patients p
                  WHERE p.org_id = public.app_org_id() AND p.id = v.patient_id AND p.archived_at IS NULL)
  $$;--> statement-breakpoint

-- Emergency access only to an active patient of the current practice. A missing, foreign or
-- archived patient all answer the same foreign-key error (NOT_FOUND): no oracle for which it was.
-- SECURITY DEFINER because the requester cannot see the patient row yet (that is the point).
CREATE OR REPLACE FUNCTION app_access_grants_patient_active() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.patients p
                   WHERE p.org_id = NEW.org_id AND p.id = NEW.patient_id AND p.archived_at IS NULL) THEN
      RAISE EXCEPTION 'no active patient for this grant' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER access_grants_patient_active BEFORE INSERT ON access_grants
  FOR EACH ROW EXECUTE FUNCTION app_access_grants_patient_active();--> statement-breakpoint

-- An org always keeps one active admin, also when two admins demote each other at once: under
-- READ COMMITTED each would see the other still active. The per-org transaction lock serialises
-- them; the second one's check (a new snapshot, plpgsql is VOLATILE) then sees the first commit.
CREATE OR REPLACE FUNCTION app_memberships_keep_an_admin() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF OLD.role = 'admin' AND OLD.status = 'active' AND (NEW.role <> 'admin' OR NEW.status <> 'active') THEN
      PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('careroster.keep_an_admin'), pg_catalog.hashtext(OLD.org_id::text));
      IF NOT EXISTS (SELECT 1 FROM public.memberships m
                     WHERE m.org_id = OLD.org_id AND m.user_id <> OLD.user_id
                       AND m.role = 'admin' AND m.status = 'active') THEN
        RAISE EXCEPTION 'an organization must keep at least one active admin' USING ERRCODE = 'check_violation';
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint

-- EXECUTE only for the roles that call a function. New functions of the owner start closed too.
-- Trigger functions need no EXECUTE grant for their triggers to fire.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, careroster_runtime;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES FOR ROLE careroster_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_user_id(), app_org_id(), app_is_admin(), app_visible_patient_ids(), app_my_org_ids(),
  app_auth_user(text), app_find_user_id_by_email(text), app_patient_directory(text),
  app_login_failures(text[], interval), app_login_record_failure(text[]), app_login_clear(text), app_job_practices()
  TO careroster_runtime;--> statement-breakpoint

-- No objects of the app's own making: no temporary tables, types or functions (the pg_temp
-- tricks need them) and nothing new in public. The owner owns the database, so it may revoke.
DO $$
BEGIN
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$$;--> statement-breakpoint
REVOKE CREATE ON SCHEMA public FROM PUBLIC;--> statement-breakpoint

-- Column grants narrowed to what the app writes (UPDATE). INSERT stays table-wide where Drizzle
-- names every column of the table in its INSERT.
REVOKE UPDATE ON patients FROM careroster_runtime;--> statement-breakpoint
GRANT UPDATE (given_name, family_name, birth_date, sex, phone, email, archived_at) ON patients TO careroster_runtime;--> statement-breakpoint
REVOKE UPDATE ON appointments FROM careroster_runtime;--> statement-breakpoint
GRANT UPDATE (status) ON appointments TO careroster_runtime;--> statement-breakpoint
REVOKE UPDATE ON care_team FROM careroster_runtime;--> statement-breakpoint
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM careroster_runtime, careroster_admin, careroster_clinician;
