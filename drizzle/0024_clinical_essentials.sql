-- The chart's clinical essentials: problems (FHIR Condition), allergies (AllergyIntolerance),
-- medications (MedicationStatement) and vital signs (Observation, vital-signs profile); the mapping
-- is in docs/fhir-mapping.md.
--
-- Each row is a record of what someone recorded and when, like a signed note: its clinical content
-- never changes. The one act a row may later receive (a problem or allergy resolved, a medication
-- stopped) is written once, stamped by the database with who and when; a wrong entry is marked
-- entered in error (by the clinician who recorded it, with a reason) and stays in the record. The
-- runtime role has no DELETE. Visibility is the notes' rule: the care team, running cover and
-- emergency grants (app_visible_patient_ids), admins included only when on the care team; archived
-- patients are outside that function, so their essentials are neither read nor written.

CREATE TABLE public.conditions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  org_id uuid NOT NULL,
  patient_id uuid NOT NULL,
  text text NOT NULL,
  code_system text,
  code text,
  onset_on date,
  resolved_on date,
  clinical_status text GENERATED ALWAYS AS (CASE WHEN resolved_on IS NULL THEN 'active' ELSE 'resolved' END) STORED NOT NULL,
  resolved_by uuid REFERENCES public.users(id),
  resolved_at timestamp with time zone,
  recorded_by uuid NOT NULL REFERENCES public.users(id),
  recorded_at timestamp with time zone DEFAULT now() NOT NULL,
  error_reason text,
  error_by uuid REFERENCES public.users(id),
  error_at timestamp with time zone,
  CONSTRAINT conditions_org_id_key UNIQUE (org_id, id),
  CONSTRAINT conditions_patient_fk FOREIGN KEY (org_id, patient_id) REFERENCES public.patients(org_id, id),
  CONSTRAINT conditions_text_present CHECK (length(btrim(text)) BETWEEN 2 AND 200),
  CONSTRAINT conditions_code CHECK ((code IS NULL) = (code_system IS NULL)
    AND (code_system IS NULL OR code_system IN ('icd-10', 'snomed-ct'))
    AND (code IS NULL OR code ~ '^[A-Za-z0-9.]{1,20}$')),
  CONSTRAINT conditions_dates CHECK (resolved_on IS NULL OR onset_on IS NULL OR resolved_on >= onset_on),
  CONSTRAINT conditions_resolved_stamp CHECK ((resolved_on IS NULL) = (resolved_by IS NULL AND resolved_at IS NULL)),
  CONSTRAINT conditions_error CHECK ((error_reason IS NULL) = (error_by IS NULL AND error_at IS NULL)
    AND (error_reason IS NULL OR length(btrim(error_reason)) BETWEEN 5 AND 500))
);--> statement-breakpoint

-- One table for allergies and the explicit "no known allergies" statement (FHIR records both as
-- AllergyIntolerance), so "not recorded" (no row) and "none known" (a row) are told apart.
CREATE TABLE public.allergies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  org_id uuid NOT NULL,
  patient_id uuid NOT NULL,
  kind text NOT NULL,
  substance text,
  reaction text,
  severity text,
  criticality text,
  resolved_on date,
  clinical_status text GENERATED ALWAYS AS (CASE WHEN resolved_on IS NULL THEN 'active'
    WHEN kind = 'no_known_allergies' THEN 'inactive' ELSE 'resolved' END) STORED NOT NULL,
  resolved_by uuid REFERENCES public.users(id),
  resolved_at timestamp with time zone,
  recorded_by uuid NOT NULL REFERENCES public.users(id),
  recorded_at timestamp with time zone DEFAULT now() NOT NULL,
  error_reason text,
  error_by uuid REFERENCES public.users(id),
  error_at timestamp with time zone,
  CONSTRAINT allergies_org_id_key UNIQUE (org_id, id),
  CONSTRAINT allergies_patient_fk FOREIGN KEY (org_id, patient_id) REFERENCES public.patients(org_id, id),
  CONSTRAINT allergies_kind CHECK (kind IN ('allergy', 'no_known_allergies')),
  CONSTRAINT allergies_shape CHECK (CASE kind
    WHEN 'allergy' THEN substance IS NOT NULL AND length(btrim(substance)) BETWEEN 2 AND 120
    ELSE substance IS NULL AND reaction IS NULL AND severity IS NULL AND criticality IS NULL END),
  CONSTRAINT allergies_reaction CHECK (reaction IS NULL OR length(btrim(reaction)) BETWEEN 2 AND 200),
  CONSTRAINT allergies_severity CHECK (severity IS NULL OR severity IN ('mild', 'moderate', 'severe')),
  CONSTRAINT allergies_criticality CHECK (criticality IS NULL OR criticality IN ('low', 'high', 'unable-to-assess')),
  CONSTRAINT allergies_resolved_stamp CHECK ((resolved_on IS NULL) = (resolved_by IS NULL AND resolved_at IS NULL)),
  CONSTRAINT allergies_error CHECK ((error_reason IS NULL) = (error_by IS NULL AND error_at IS NULL)
    AND (error_reason IS NULL OR length(btrim(error_reason)) BETWEEN 5 AND 500))
);--> statement-breakpoint

CREATE TABLE public.medication_statements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  org_id uuid NOT NULL,
  patient_id uuid NOT NULL,
  name text NOT NULL,
  dose text NOT NULL,
  frequency text NOT NULL,
  route text NOT NULL,
  started_on date,
  stopped_on date,
  stop_reason text,
  stopped_by uuid REFERENCES public.users(id),
  stopped_at timestamp with time zone,
  recorded_by uuid NOT NULL REFERENCES public.users(id),
  recorded_at timestamp with time zone DEFAULT now() NOT NULL,
  error_reason text,
  error_by uuid REFERENCES public.users(id),
  error_at timestamp with time zone,
  CONSTRAINT medication_statements_org_id_key UNIQUE (org_id, id),
  CONSTRAINT medication_statements_patient_fk FOREIGN KEY (org_id, patient_id) REFERENCES public.patients(org_id, id),
  CONSTRAINT medication_statements_text CHECK (length(btrim(name)) BETWEEN 2 AND 120
    AND length(btrim(dose)) BETWEEN 1 AND 60 AND length(btrim(frequency)) BETWEEN 1 AND 60),
  CONSTRAINT medication_statements_route CHECK (route IN ('oral', 'sublingual', 'inhaled', 'nasal', 'topical',
    'transdermal', 'subcutaneous', 'intramuscular', 'intravenous', 'rectal')),
  CONSTRAINT medication_statements_dates CHECK (stopped_on IS NULL OR started_on IS NULL OR stopped_on >= started_on),
  CONSTRAINT medication_statements_stop CHECK ((stopped_on IS NULL) = (stopped_by IS NULL AND stopped_at IS NULL)
    AND (stop_reason IS NULL OR (stopped_on IS NOT NULL AND length(btrim(stop_reason)) BETWEEN 2 AND 200))),
  CONSTRAINT medication_statements_error CHECK ((error_reason IS NULL) = (error_by IS NULL AND error_at IS NULL)
    AND (error_reason IS NULL OR length(btrim(error_reason)) BETWEEN 5 AND 500))
);--> statement-breakpoint

-- One row per FHIR Observation. Blood pressure is one Observation (85354-9) with its systolic and
-- diastolic components, so it is one row with both values. The unit follows from the kind.
CREATE TABLE public.vital_signs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  org_id uuid NOT NULL,
  patient_id uuid NOT NULL,
  kind text NOT NULL,
  value numeric(5, 1) NOT NULL,
  diastolic numeric(5, 1),
  effective_at timestamp with time zone NOT NULL,
  recorded_by uuid NOT NULL REFERENCES public.users(id),
  recorded_at timestamp with time zone DEFAULT now() NOT NULL,
  error_reason text,
  error_by uuid REFERENCES public.users(id),
  error_at timestamp with time zone,
  CONSTRAINT vital_signs_org_id_key UNIQUE (org_id, id),
  CONSTRAINT vital_signs_patient_fk FOREIGN KEY (org_id, patient_id) REFERENCES public.patients(org_id, id),
  -- The plausible ranges of lib/schemas/essentials.ts (VITAL_RANGES), kept equal by a test.
  CONSTRAINT vital_signs_range CHECK (CASE kind
    WHEN 'blood_pressure' THEN value BETWEEN 50 AND 260 AND diastolic BETWEEN 20 AND 160 AND diastolic < value
    WHEN 'heart_rate' THEN value BETWEEN 20 AND 250 AND diastolic IS NULL
    WHEN 'body_temperature' THEN value BETWEEN 30 AND 45 AND diastolic IS NULL
    WHEN 'body_weight' THEN value BETWEEN 0.3 AND 400 AND diastolic IS NULL
    WHEN 'body_height' THEN value BETWEEN 20 AND 250 AND diastolic IS NULL
    ELSE false END),
  CONSTRAINT vital_signs_error CHECK ((error_reason IS NULL) = (error_by IS NULL AND error_at IS NULL)
    AND (error_reason IS NULL OR length(btrim(error_reason)) BETWEEN 5 AND 500))
);--> statement-breakpoint

-- Policies read (org_id, patient_id); the chart lists a patient's rows newest first.
CREATE INDEX conditions_org_patient_idx ON public.conditions (org_id, patient_id, recorded_at);--> statement-breakpoint
CREATE INDEX allergies_org_patient_idx ON public.allergies (org_id, patient_id, recorded_at);--> statement-breakpoint
CREATE INDEX medication_statements_org_patient_idx ON public.medication_statements (org_id, patient_id, recorded_at);--> statement-breakpoint
CREATE INDEX vital_signs_org_patient_idx ON public.vital_signs (org_id, patient_id, kind, effective_at);--> statement-breakpoint
-- At most one standing "no known allergies" per patient.
CREATE UNIQUE INDEX allergies_one_nka_idx ON public.allergies (org_id, patient_id)
  WHERE kind = 'no_known_allergies' AND resolved_on IS NULL AND error_at IS NULL;--> statement-breakpoint

-- ---- Policies: the same five on each table ----
-- org isolation (restrictive); nothing under an admin's assumed identity (as notes, 0019); read by
-- whoever sees the patient clinically; recorded only as oneself, clean (no act, no error mark);
-- changed (the one act, the error mark) only on a patient one sees clinically. What may change is
-- the lock trigger's job below: a policy cannot compare OLD and NEW.
-- FORCE: the table's owner is held to the policies too (only BYPASSRLS, the owner's migrations, passes).
ALTER TABLE public.conditions ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.conditions FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY conditions_org_isolation ON public.conditions AS RESTRICTIVE FOR ALL TO careroster_runtime
  USING (org_id = (SELECT app_org_id())) WITH CHECK (org_id = (SELECT app_org_id()));--> statement-breakpoint
CREATE POLICY conditions_not_assumed ON public.conditions AS RESTRICTIVE FOR SELECT TO careroster_runtime
  USING ((SELECT app_context_kind()) IS DISTINCT FROM 'assumed');--> statement-breakpoint
CREATE POLICY conditions_select ON public.conditions AS PERMISSIVE FOR SELECT TO careroster_runtime
  USING (patient_id = any (array(SELECT app_visible_patient_ids())));--> statement-breakpoint
CREATE POLICY conditions_insert ON public.conditions AS PERMISSIVE FOR INSERT TO careroster_runtime
  WITH CHECK (recorded_by = (SELECT app_user_id()) AND patient_id = any (array(SELECT app_visible_patient_ids()))
              AND error_reason IS NULL);--> statement-breakpoint
CREATE POLICY conditions_update ON public.conditions AS PERMISSIVE FOR UPDATE TO careroster_runtime
  USING (patient_id = any (array(SELECT app_visible_patient_ids())) AND error_at IS NULL)
  WITH CHECK (patient_id = any (array(SELECT app_visible_patient_ids())));--> statement-breakpoint
CREATE TRIGGER conditions_org_immutable BEFORE UPDATE ON public.conditions FOR EACH ROW EXECUTE FUNCTION public.app_forbid_org_change();--> statement-breakpoint
REVOKE ALL ON public.conditions FROM PUBLIC, careroster_runtime, careroster_admin, careroster_clinician;--> statement-breakpoint
GRANT SELECT, INSERT ON public.conditions TO careroster_runtime;--> statement-breakpoint

ALTER TABLE public.allergies ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.allergies FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY allergies_org_isolation ON public.allergies AS RESTRICTIVE FOR ALL TO careroster_runtime
  USING (org_id = (SELECT app_org_id())) WITH CHECK (org_id = (SELECT app_org_id()));--> statement-breakpoint
CREATE POLICY allergies_not_assumed ON public.allergies AS RESTRICTIVE FOR SELECT TO careroster_runtime
  USING ((SELECT app_context_kind()) IS DISTINCT FROM 'assumed');--> statement-breakpoint
CREATE POLICY allergies_select ON public.allergies AS PERMISSIVE FOR SELECT TO careroster_runtime
  USING (patient_id = any (array(SELECT app_visible_patient_ids())));--> statement-breakpoint
CREATE POLICY allergies_insert ON public.allergies AS PERMISSIVE FOR INSERT TO careroster_runtime
  WITH CHECK (recorded_by = (SELECT app_user_id()) AND patient_id = any (array(SELECT app_visible_patient_ids()))
              AND error_reason IS NULL);--> statement-breakpoint
CREATE POLICY allergies_update ON public.allergies AS PERMISSIVE FOR UPDATE TO careroster_runtime
  USING (patient_id = any (array(SELECT app_visible_patient_ids())) AND error_at IS NULL)
  WITH CHECK (patient_id = any (array(SELECT app_visible_patient_ids())));--> statement-breakpoint
CREATE TRIGGER allergies_org_immutable BEFORE UPDATE ON public.allergies FOR EACH ROW EXECUTE FUNCTION public.app_forbid_org_change();--> statement-breakpoint
REVOKE ALL ON public.allergies FROM PUBLIC, careroster_runtime, careroster_admin, careroster_clinician;--> statement-breakpoint
GRANT SELECT, INSERT ON public.allergies TO careroster_runtime;--> statement-breakpoint

ALTER TABLE public.medication_statements ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.medication_statements FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY medication_statements_org_isolation ON public.medication_statements AS RESTRICTIVE FOR ALL TO careroster_runtime
  USING (org_id = (SELECT app_org_id())) WITH CHECK (org_id = (SELECT app_org_id()));--> statement-breakpoint
CREATE POLICY medication_statements_not_assumed ON public.medication_statements AS RESTRICTIVE FOR SELECT TO careroster_runtime
  USING ((SELECT app_context_kind()) IS DISTINCT FROM 'assumed');--> statement-breakpoint
CREATE POLICY medication_statements_select ON public.medication_statements AS PERMISSIVE FOR SELECT TO careroster_runtime
  USING (patient_id = any (array(SELECT app_visible_patient_ids())));--> statement-breakpoint
CREATE POLICY medication_statements_insert ON public.medication_statements AS PERMISSIVE FOR INSERT TO careroster_runtime
  WITH CHECK (recorded_by = (SELECT app_user_id()) AND patient_id = any (array(SELECT app_visible_patient_ids()))
              AND error_reason IS NULL);--> statement-breakpoint
CREATE POLICY medication_statements_update ON public.medication_statements AS PERMISSIVE FOR UPDATE TO careroster_runtime
  USING (patient_id = any (array(SELECT app_visible_patient_ids())) AND error_at IS NULL)
  WITH CHECK (patient_id = any (array(SELECT app_visible_patient_ids())));--> statement-breakpoint
CREATE TRIGGER medication_statements_org_immutable BEFORE UPDATE ON public.medication_statements FOR EACH ROW EXECUTE FUNCTION public.app_forbid_org_change();--> statement-breakpoint
REVOKE ALL ON public.medication_statements FROM PUBLIC, careroster_runtime, careroster_admin, careroster_clinician;--> statement-breakpoint
GRANT SELECT, INSERT ON public.medication_statements TO careroster_runtime;--> statement-breakpoint

ALTER TABLE public.vital_signs ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.vital_signs FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY vital_signs_org_isolation ON public.vital_signs AS RESTRICTIVE FOR ALL TO careroster_runtime
  USING (org_id = (SELECT app_org_id())) WITH CHECK (org_id = (SELECT app_org_id()));--> statement-breakpoint
CREATE POLICY vital_signs_not_assumed ON public.vital_signs AS RESTRICTIVE FOR SELECT TO careroster_runtime
  USING ((SELECT app_context_kind()) IS DISTINCT FROM 'assumed');--> statement-breakpoint
CREATE POLICY vital_signs_select ON public.vital_signs AS PERMISSIVE FOR SELECT TO careroster_runtime
  USING (patient_id = any (array(SELECT app_visible_patient_ids())));--> statement-breakpoint
CREATE POLICY vital_signs_insert ON public.vital_signs AS PERMISSIVE FOR INSERT TO careroster_runtime
  WITH CHECK (recorded_by = (SELECT app_user_id()) AND patient_id = any (array(SELECT app_visible_patient_ids()))
              AND error_reason IS NULL);--> statement-breakpoint
CREATE POLICY vital_signs_update ON public.vital_signs AS PERMISSIVE FOR UPDATE TO careroster_runtime
  USING (patient_id = any (array(SELECT app_visible_patient_ids())) AND error_at IS NULL)
  WITH CHECK (patient_id = any (array(SELECT app_visible_patient_ids())));--> statement-breakpoint
CREATE TRIGGER vital_signs_org_immutable BEFORE UPDATE ON public.vital_signs FOR EACH ROW EXECUTE FUNCTION public.app_forbid_org_change();--> statement-breakpoint
REVOKE ALL ON public.vital_signs FROM PUBLIC, careroster_runtime, careroster_admin, careroster_clinician;--> statement-breakpoint
GRANT SELECT, INSERT ON public.vital_signs TO careroster_runtime;--> statement-breakpoint


-- Grants: the runtime role inserts whole rows, then may write only the act's columns and the error
-- reason (the triggers stamp who and when). No DELETE, no TRUNCATE/REFERENCES/TRIGGER.
GRANT UPDATE (resolved_on, error_reason) ON public.conditions TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (resolved_on, error_reason) ON public.allergies TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (stopped_on, stop_reason, error_reason) ON public.medication_statements TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (error_reason) ON public.vital_signs TO careroster_runtime;--> statement-breakpoint

-- ---- Integrity triggers, shared by the four tables ----
-- Arguments: the act's columns (the date column, its _by, its _at), none for vital signs.
-- New rows: on the app's paths (a request context is set) the database's clock stamps recorded_at;
-- the owner's seed may write history with its own times. An act already present on a new row
-- (a problem recorded as resolved) is stamped as recorded; no row starts in error. A measurement
-- cannot be taken in the future.
CREATE FUNCTION public.app_clinical_entry_before_insert() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    row_j jsonb;
  BEGIN
    IF public.app_user_id() IS NOT NULL THEN
      NEW.recorded_at := pg_catalog.now();
    END IF;
    NEW.error_reason := NULL;
    NEW.error_by := NULL;
    NEW.error_at := NULL;
    IF TG_NARGS = 3 THEN
      row_j := pg_catalog.to_jsonb(NEW);
      NEW := pg_catalog.jsonb_populate_record(NEW, pg_catalog.jsonb_build_object(
        TG_ARGV[1], CASE WHEN row_j ->> TG_ARGV[0] IS NOT NULL THEN NEW.recorded_by END,
        TG_ARGV[2], CASE WHEN row_j ->> TG_ARGV[0] IS NOT NULL THEN NEW.recorded_at END));
    END IF;
    IF TG_TABLE_NAME = 'vital_signs' THEN
      IF NEW.effective_at > pg_catalog.now() + interval '5 minutes' THEN
        RAISE EXCEPTION 'a measurement cannot be taken in the future' USING ERRCODE = 'check_violation';
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint

-- The lock, for every role including careroster_owner (only disabling the trigger gets past it):
-- besides the act and the error mark nothing changes; the act happens once, never undone; an entry
-- entered in error is final, and only the clinician who recorded it marks it (their entry, their
-- correction, as with notes); marking keeps the act as it stood. The database stamps who and when.
CREATE FUNCTION public.app_clinical_entry_lock() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    me uuid := public.app_user_id();
    old_j jsonb := pg_catalog.to_jsonb(OLD);
    new_j jsonb := pg_catalog.to_jsonb(NEW);
    movable text[] := ARRAY['error_reason', 'error_by', 'error_at', 'clinical_status', 'stop_reason'] || TG_ARGV::text[];
  BEGIN
    IF OLD.error_at IS NOT NULL THEN
      RAISE EXCEPTION 'an entry entered in error is final' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (new_j - movable) IS DISTINCT FROM (old_j - movable) THEN
      RAISE EXCEPTION 'recorded clinical content never changes; mark it entered in error and record it again'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.error_reason IS NOT NULL THEN
      IF me IS DISTINCT FROM OLD.recorded_by THEN
        RAISE EXCEPTION 'only the clinician who recorded an entry marks it entered in error' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF TG_NARGS = 3 AND (new_j -> TG_ARGV[0] IS DISTINCT FROM old_j -> TG_ARGV[0]
                          OR new_j -> 'stop_reason' IS DISTINCT FROM old_j -> 'stop_reason') THEN
        RAISE EXCEPTION 'marking an entry in error keeps it as it stood' USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW := pg_catalog.jsonb_populate_record(NEW, pg_catalog.jsonb_build_object(
        'error_by', me, 'error_at', pg_catalog.now(), 'error_reason', NEW.error_reason));
      RETURN NEW;
    END IF;
    IF TG_NARGS <> 3 OR old_j ->> TG_ARGV[0] IS NOT NULL OR new_j ->> TG_ARGV[0] IS NULL THEN
      RAISE EXCEPTION 'this entry can only be marked entered in error' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF me IS NULL THEN
      RAISE EXCEPTION 'a clinical act is recorded by a signed-in clinician' USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW := pg_catalog.jsonb_populate_record(NEW, pg_catalog.jsonb_build_object(
      TG_ARGV[1], me, TG_ARGV[2], pg_catalog.now(), 'error_by', NULL, 'error_at', NULL));
    RETURN NEW;
  END
  $$;--> statement-breakpoint

CREATE TRIGGER conditions_before_insert BEFORE INSERT ON public.conditions FOR EACH ROW
  EXECUTE FUNCTION public.app_clinical_entry_before_insert('resolved_on', 'resolved_by', 'resolved_at');--> statement-breakpoint
CREATE TRIGGER conditions_lock BEFORE UPDATE ON public.conditions FOR EACH ROW
  EXECUTE FUNCTION public.app_clinical_entry_lock('resolved_on', 'resolved_by', 'resolved_at');--> statement-breakpoint
CREATE TRIGGER allergies_before_insert BEFORE INSERT ON public.allergies FOR EACH ROW
  EXECUTE FUNCTION public.app_clinical_entry_before_insert('resolved_on', 'resolved_by', 'resolved_at');--> statement-breakpoint
CREATE TRIGGER allergies_lock BEFORE UPDATE ON public.allergies FOR EACH ROW
  EXECUTE FUNCTION public.app_clinical_entry_lock('resolved_on', 'resolved_by', 'resolved_at');--> statement-breakpoint
CREATE TRIGGER medication_statements_before_insert BEFORE INSERT ON public.medication_statements FOR EACH ROW
  EXECUTE FUNCTION public.app_clinical_entry_before_insert('stopped_on', 'stopped_by', 'stopped_at');--> statement-breakpoint
CREATE TRIGGER medication_statements_lock BEFORE UPDATE ON public.medication_statements FOR EACH ROW
  EXECUTE FUNCTION public.app_clinical_entry_lock('stopped_on', 'stopped_by', 'stopped_at');--> statement-breakpoint
CREATE TRIGGER vital_signs_before_insert BEFORE INSERT ON public.vital_signs FOR EACH ROW
  EXECUTE FUNCTION public.app_clinical_entry_before_insert();--> statement-breakpoint
CREATE TRIGGER vital_signs_lock BEFORE UPDATE ON public.vital_signs FOR EACH ROW
  EXECUTE FUNCTION public.app_clinical_entry_lock();--> statement-breakpoint

-- "No known allergies" and an active allergy never stand together. Both rows are inserts (acts and
-- error marks only end a row's standing), so checking new active rows is enough; the per-patient
-- transaction lock makes two concurrent inserts take turns. SECURITY DEFINER so the answer reads
-- every row of the patient, whatever the caller's policies let it see.
CREATE FUNCTION public.app_allergies_exclusive() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF NEW.resolved_on IS NULL THEN
      PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('careroster.allergies'), pg_catalog.hashtext(NEW.patient_id::text));
      IF EXISTS (SELECT 1 FROM public.allergies a
                 WHERE a.org_id = NEW.org_id AND a.patient_id = NEW.patient_id
                   AND a.resolved_on IS NULL AND a.error_at IS NULL
                   AND (a.kind <> NEW.kind OR NEW.kind = 'no_known_allergies')) THEN
        RAISE EXCEPTION 'no known allergies and an active allergy cannot both stand' USING ERRCODE = 'check_violation';
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER allergies_exclusive BEFORE INSERT ON public.allergies FOR EACH ROW
  EXECUTE FUNCTION public.app_allergies_exclusive();--> statement-breakpoint

-- Trigger functions need no EXECUTE grant for their triggers to fire.
REVOKE ALL ON FUNCTION public.app_clinical_entry_before_insert(), public.app_clinical_entry_lock(),
  public.app_allergies_exclusive() FROM PUBLIC, careroster_runtime;--> statement-breakpoint
ALTER FUNCTION public.app_clinical_entry_before_insert() OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_clinical_entry_lock() OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_allergies_exclusive() OWNER TO careroster_owner;
