-- One patient, one chart: front-desk demographics, MRNs the practice generates, duplicate
-- detection at registration and merging two charts of the same person.

-- pg_trgm is a trusted extension: careroster_owner (which owns the database) may create it. It gets
-- a schema of its own so its functions, owned by the bootstrap superuser and executable by PUBLIC,
-- stay out of `public`, where every function must be the owner's (the posture check).
CREATE SCHEMA IF NOT EXISTS extensions;--> statement-breakpoint
REVOKE ALL ON SCHEMA extensions FROM PUBLIC;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA extensions;--> statement-breakpoint
GRANT USAGE ON SCHEMA extensions TO careroster_runtime;--> statement-breakpoint

-- Front desk, each column FHIR-mappable: Patient.name (use=usual), the pronouns extension,
-- Patient.address, Patient.contact (relationship from v3 RoleCode) and a Coverage (payor, subscriberId).
ALTER TABLE public.patients
  ADD COLUMN preferred_name text,
  ADD COLUMN pronouns text,
  ADD COLUMN address_line text,
  ADD COLUMN address_city text,
  ADD COLUMN address_region text,
  ADD COLUMN address_postal_code text,
  ADD COLUMN address_country text,
  ADD COLUMN emergency_name text,
  ADD COLUMN emergency_relationship text,
  ADD COLUMN emergency_phone text,
  ADD COLUMN insurance_payer text,
  ADD COLUMN insurance_member_id text,
  -- A merged chart is archived and points at the chart it was merged into (the redirect).
  ADD COLUMN merged_into uuid,
  ADD COLUMN merged_at timestamp with time zone,
  ADD CONSTRAINT patients_merged_into_fk FOREIGN KEY (org_id, merged_into) REFERENCES public.patients (org_id, id),
  ADD CONSTRAINT patients_merged_archived CHECK (merged_into IS NULL OR (archived_at IS NOT NULL AND merged_at IS NOT NULL AND merged_into <> id)),
  ADD CONSTRAINT patients_address_country CHECK (address_country IS NULL OR address_country ~ '^[A-Z]{2}$');--> statement-breakpoint

-- The duplicate search's three questions, each led by the isolation column.
CREATE INDEX patients_org_birth_idx ON public.patients (org_id, birth_date);--> statement-breakpoint
CREATE INDEX patients_name_trgm_idx ON public.patients
  USING gin (pg_catalog.lower(given_name || ' ' || family_name) extensions.gin_trgm_ops);--> statement-breakpoint
CREATE INDEX patients_org_phone_digits_idx ON public.patients (org_id, pg_catalog.regexp_replace(phone, '\D', '', 'g'))
  WHERE phone IS NOT NULL;--> statement-breakpoint
CREATE INDEX patients_org_email_idx ON public.patients (org_id, pg_catalog.lower(email)) WHERE email IS NOT NULL;--> statement-breakpoint
CREATE INDEX patients_org_merged_into_idx ON public.patients (org_id, merged_into) WHERE merged_into IS NOT NULL;--> statement-breakpoint

-- The app writes the new demographics and (admins only, by the trigger below) the MRN; merged_into
-- and merged_at are written by app_merge_patients() alone.
GRANT UPDATE (mrn, preferred_name, pronouns, address_line, address_city, address_region, address_postal_code,
  address_country, emergency_name, emergency_relationship, emergency_phone, insurance_payer, insurance_member_id)
  ON public.patients TO careroster_runtime;--> statement-breakpoint

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
    NEW.updated_at := now();
    RETURN NEW;
  END
  $$;--> statement-breakpoint

-- Each practice's MRN counter and optional prefix. The counter moves only inside app_next_mrn();
-- the admin edits the prefix through the policies.
CREATE TABLE public.mrn_sequences (
  org_id uuid PRIMARY KEY REFERENCES public.organizations (id),
  prefix text NOT NULL DEFAULT '',
  last_value bigint NOT NULL DEFAULT 0,
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT mrn_sequences_prefix CHECK (prefix ~ '^[A-Za-z0-9-]{0,12}$')
);--> statement-breakpoint
ALTER TABLE public.mrn_sequences OWNER TO careroster_owner;--> statement-breakpoint
ALTER TABLE public.mrn_sequences ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- FORCE: the owner's definer functions read it on purpose (BYPASSRLS), never by accident of ownership.
ALTER TABLE public.mrn_sequences FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT (org_id, prefix) ON public.mrn_sequences TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (prefix) ON public.mrn_sequences TO careroster_runtime;--> statement-breakpoint
CREATE POLICY mrn_sequences_org_isolation ON public.mrn_sequences AS RESTRICTIVE FOR ALL TO careroster_runtime
  USING (org_id = (SELECT public.app_org_id())) WITH CHECK (org_id = (SELECT public.app_org_id()));--> statement-breakpoint
-- Every member reads the prefix (the registration form says what an empty MRN becomes).
CREATE POLICY mrn_sequences_select ON public.mrn_sequences FOR SELECT TO careroster_runtime USING (true);--> statement-breakpoint
CREATE POLICY mrn_sequences_insert_admin ON public.mrn_sequences FOR INSERT TO careroster_admin
  WITH CHECK ((SELECT public.app_is_admin()));--> statement-breakpoint
CREATE POLICY mrn_sequences_update_admin ON public.mrn_sequences FOR UPDATE TO careroster_admin
  USING ((SELECT public.app_is_admin())) WITH CHECK ((SELECT public.app_is_admin()));--> statement-breakpoint

-- The next MRN of the caller's practice: prefix + six digits, skipping any an admin typed by hand.
-- The upsert locks the practice's counter row until the transaction ends, so two registrations at
-- once take turns and never get the same number. SECURITY DEFINER: the runtime role may not move
-- the counter itself (it could rewind it).
CREATE OR REPLACE FUNCTION public.app_next_mrn() RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    org uuid := public.app_org_id();
    seq record;
    candidate text;
  BEGIN
    IF org IS NULL THEN
      RAISE EXCEPTION 'no practice' USING ERRCODE = 'insufficient_privilege';
    END IF;
    LOOP
      INSERT INTO public.mrn_sequences AS s (org_id, last_value) VALUES (org, 1)
        ON CONFLICT (org_id) DO UPDATE SET last_value = s.last_value + 1, updated_at = pg_catalog.now()
        RETURNING s.prefix, s.last_value INTO seq;
      candidate := seq.prefix || pg_catalog.lpad(seq.last_value::text, 6, '0');
      EXIT WHEN NOT EXISTS (SELECT 1 FROM public.patients p WHERE p.org_id = org AND p.mrn = candidate);
    END LOOP;
    RETURN candidate;
  END
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_next_mrn() OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_next_mrn() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_next_mrn() TO careroster_runtime;--> statement-breakpoint

-- Whether the caller's practice holds a possible duplicate the caller cannot see: an unarchived
-- patient with the same birth date and a similar name, the same phone digits or the same email.
-- A boolean and nothing else (no count, no id), for the caller's own practice only; an admin sees
-- the whole practice through the policies, so for them it is always false. SECURITY DEFINER to read
-- past the clinician's policies; the caller's search terms are the only input. The similarity
-- threshold is written out rather than read from pg_trgm.similarity_threshold, which a caller can SET.
CREATE OR REPLACE FUNCTION public.app_hidden_duplicate_exists(
  p_given text, p_family text, p_birth_date date, p_phone text, p_email text
) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT public.app_user_id() IS NOT NULL AND public.app_org_id() IS NOT NULL AND NOT public.app_is_admin()
      AND EXISTS (
        SELECT 1 FROM public.patients p
        WHERE p.org_id = public.app_org_id() AND p.archived_at IS NULL
          AND p.id <> ALL (ARRAY(SELECT public.app_visible_patient_ids()))
          AND ((p.birth_date = p_birth_date
                AND extensions.similarity(pg_catalog.lower(p.given_name || ' ' || p.family_name),
                                          pg_catalog.lower(p_given || ' ' || p_family)) >= 0.3)
            OR (pg_catalog.length(pg_catalog.regexp_replace(p_phone, '\D', '', 'g')) >= 7
                AND pg_catalog.regexp_replace(p.phone, '\D', '', 'g') = pg_catalog.regexp_replace(p_phone, '\D', '', 'g'))
            OR (p.email IS NOT NULL AND pg_catalog.lower(p.email) = pg_catalog.lower(p_email))))
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_hidden_duplicate_exists(text, text, date, text, text) OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_hidden_duplicate_exists(text, text, date, text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_hidden_duplicate_exists(text, text, date, text, text) TO careroster_runtime;--> statement-breakpoint

-- Charts merged into a chart the caller can see, with the chart each was merged into. A signed
-- note never changes, not even its patient (0012's lock), so a merge leaves notes on the merged
-- chart and the kept chart shows them through this; it returns nothing for charts the caller
-- cannot see (the care-team rule of app_visible_patient_ids, admins included).
CREATE OR REPLACE FUNCTION public.app_merged_visible_patients() RETURNS TABLE (id uuid, merged_into uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT p.id, p.merged_into FROM public.patients p
    WHERE p.org_id = (SELECT public.app_org_id()) AND p.merged_into IS NOT NULL
      AND p.merged_into = ANY (ARRAY(SELECT public.app_visible_patient_ids()))
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_merged_visible_patients() OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_merged_visible_patients() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_merged_visible_patients() TO careroster_runtime;--> statement-breakpoint

CREATE POLICY clinical_notes_select_merged ON public.clinical_notes FOR SELECT TO careroster_runtime
  USING (patient_id = ANY (ARRAY(SELECT m.id FROM public.app_merged_visible_patients() m)));--> statement-breakpoint
CREATE POLICY clinical_note_versions_select_merged ON public.clinical_note_versions FOR SELECT TO careroster_runtime
  USING (patient_id = ANY (ARRAY(SELECT m.id FROM public.app_merged_visible_patients() m)));--> statement-breakpoint

-- Where a merged chart now lives, for a caller who may open that chart (an admin of the practice,
-- or a clinician who sees the kept chart); NULL otherwise, like a chart that was never merged.
CREATE OR REPLACE FUNCTION public.app_patient_redirect(p_patient uuid) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT p.merged_into FROM public.patients p
    WHERE p.org_id = public.app_org_id() AND p.id = p_patient AND p.merged_into IS NOT NULL
      AND (public.app_is_admin() OR p.merged_into = ANY (ARRAY(SELECT public.app_visible_patient_ids())))
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_patient_redirect(uuid) OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_patient_redirect(uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_patient_redirect(uuid) TO careroster_runtime;--> statement-breakpoint

-- Merges p_merge into p_keep: appointments (and their reminders) and the care team move to the
-- kept chart; the merged chart is archived with merged_into set, and charts merged into it earlier
-- follow it, so a redirect is one step. Notes stay where they are (see above). Admins of the
-- practice only, checked here because the function writes past the policies: the runtime role has
-- no UPDATE on appointments.patient_id and the care-team policy refuses an admin's own id.
CREATE OR REPLACE FUNCTION public.app_merge_patients(p_keep uuid, p_merge uuid) RETURNS jsonb
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    org uuid := public.app_org_id();
    found_count int;
    moved_appointments int;
    moved_team int;
    merged_notes int;
  BEGIN
    IF org IS NULL OR NOT public.app_is_admin() THEN
      RAISE EXCEPTION 'only an admin may merge charts' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_keep IS NULL OR p_merge IS NULL OR p_keep = p_merge THEN
      RAISE EXCEPTION 'a chart is merged into another chart' USING ERRCODE = 'check_violation';
    END IF;
    -- Both rows locked, in id order so two opposite merges at once cannot deadlock.
    PERFORM 1 FROM public.patients p WHERE p.org_id = org AND p.id IN (p_keep, p_merge) AND p.archived_at IS NULL
      ORDER BY p.id FOR UPDATE;
    GET DIAGNOSTICS found_count = ROW_COUNT;
    IF found_count <> 2 THEN
      RAISE EXCEPTION 'no such patients' USING ERRCODE = 'foreign_key_violation';
    END IF;

    UPDATE public.appointments a SET patient_id = p_keep WHERE a.org_id = org AND a.patient_id = p_merge;
    GET DIAGNOSTICS moved_appointments = ROW_COUNT;
    UPDATE public.appointment_reminders r SET patient_id = p_keep WHERE r.org_id = org AND r.patient_id = p_merge;

    INSERT INTO public.care_team (org_id, clinician_id, patient_id, assigned_by)
      SELECT ct.org_id, ct.clinician_id, p_keep, ct.assigned_by FROM public.care_team ct
      WHERE ct.org_id = org AND ct.patient_id = p_merge
      ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS moved_team = ROW_COUNT;
    DELETE FROM public.care_team ct WHERE ct.org_id = org AND ct.patient_id = p_merge;

    UPDATE public.patients p SET merged_into = p_keep WHERE p.org_id = org AND p.merged_into = p_merge;
    UPDATE public.patients p SET archived_at = pg_catalog.now(), merged_at = pg_catalog.now(), merged_into = p_keep
      WHERE p.org_id = org AND p.id = p_merge;

    SELECT pg_catalog.count(*) INTO merged_notes FROM public.clinical_notes n WHERE n.org_id = org AND n.patient_id = p_merge;
    RETURN pg_catalog.jsonb_build_object('appointments', moved_appointments, 'careTeam', moved_team, 'notes', merged_notes);
  END
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_merge_patients(uuid, uuid) OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_merge_patients(uuid, uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_merge_patients(uuid, uuid) TO careroster_runtime;
