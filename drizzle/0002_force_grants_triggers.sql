-- FORCE: without it the table owner skips every policy. The app never connects as the owner,
-- but FORCE keeps a mistaken owner connection (or a SECURITY INVOKER function the owner runs)
-- inside the same rules. Roles with BYPASSRLS (the migrating owner) are still exempt.
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE users FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE patients FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE care_team FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE appointments FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE clinical_notes FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE access_grants FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- Grants: the runtime group gets DML table by table, never TRUNCATE, never DELETE except where
-- a policy governs it (care_team unassignment). Everything not granted is refused before RLS.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO careroster_runtime;--> statement-breakpoint
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO careroster_runtime;--> statement-breakpoint
GRANT SELECT ON organizations TO careroster_runtime;--> statement-breakpoint
-- password_hash is left out: only app_auth_user() reads it.
GRANT SELECT (id, email, name, created_at) ON users TO careroster_runtime;--> statement-breakpoint
GRANT INSERT (id, email, name, password_hash) ON users TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (name, password_hash) ON users TO careroster_runtime;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (role, status) ON memberships TO careroster_runtime;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON patients TO careroster_runtime;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON care_team TO careroster_runtime;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON appointments TO careroster_runtime;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (body, updated_at) ON clinical_notes TO careroster_runtime;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (reviewed_by, reviewed_at, review_comment) ON access_grants TO careroster_runtime;--> statement-breakpoint
-- Append-only audit trail: no UPDATE, no DELETE, and no policy that would allow them either.
GRANT SELECT, INSERT ON audit_events TO careroster_runtime;--> statement-breakpoint

-- No one changes a row's org or identity: the restrictive WITH CHECK already pins org_id to the
-- current org, and this trigger makes the rule explicit for every tenant table.
CREATE OR REPLACE FUNCTION app_forbid_org_change() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, public
  AS $$
  BEGIN
    IF NEW.org_id IS DISTINCT FROM OLD.org_id THEN
      RAISE EXCEPTION 'org_id cannot change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER patients_org_immutable BEFORE UPDATE ON patients FOR EACH ROW EXECUTE FUNCTION app_forbid_org_change();--> statement-breakpoint
CREATE TRIGGER care_team_org_immutable BEFORE UPDATE ON care_team FOR EACH ROW EXECUTE FUNCTION app_forbid_org_change();--> statement-breakpoint
CREATE TRIGGER appointments_org_immutable BEFORE UPDATE ON appointments FOR EACH ROW EXECUTE FUNCTION app_forbid_org_change();--> statement-breakpoint
CREATE TRIGGER clinical_notes_org_immutable BEFORE UPDATE ON clinical_notes FOR EACH ROW EXECUTE FUNCTION app_forbid_org_change();--> statement-breakpoint
CREATE TRIGGER access_grants_org_immutable BEFORE UPDATE ON access_grants FOR EACH ROW EXECUTE FUNCTION app_forbid_org_change();--> statement-breakpoint

-- Patients: bump version and updated_at on every change (optimistic concurrency), and only an
-- admin may archive or restore (a clinician's update policy cannot see the old value).
CREATE OR REPLACE FUNCTION app_patients_before_update() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, public
  AS $$
  BEGIN
    IF NEW.archived_at IS DISTINCT FROM OLD.archived_at AND NOT public.app_is_admin() THEN
      RAISE EXCEPTION 'only an admin may archive or restore a patient' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.created_by IS DISTINCT FROM OLD.created_by OR NEW.id IS DISTINCT FROM OLD.id THEN
      RAISE EXCEPTION 'patient identity cannot change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER patients_before_update BEFORE UPDATE ON patients FOR EACH ROW EXECUTE FUNCTION app_patients_before_update();--> statement-breakpoint

-- A clinician who registers a patient joins its care team in the same statement.
-- SECURITY DEFINER: clinicians may not write care_team themselves (only admins assign).
CREATE OR REPLACE FUNCTION app_patients_creator_on_care_team() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  BEGIN
    INSERT INTO public.care_team (org_id, clinician_id, patient_id, assigned_by)
    SELECT NEW.org_id, NEW.created_by, NEW.id, NEW.created_by
    FROM public.memberships m
    WHERE m.user_id = NEW.created_by AND m.org_id = NEW.org_id
      AND m.role = 'clinician' AND m.status = 'active';
    RETURN NULL;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER patients_creator_on_care_team AFTER INSERT ON patients FOR EACH ROW EXECUTE FUNCTION app_patients_creator_on_care_team();--> statement-breakpoint
REVOKE ALL ON FUNCTION app_patients_creator_on_care_team() FROM careroster_runtime;--> statement-breakpoint

-- An org always keeps at least one active admin.
CREATE OR REPLACE FUNCTION app_memberships_keep_an_admin() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  BEGIN
    IF OLD.role = 'admin' AND OLD.status = 'active' AND (NEW.role <> 'admin' OR NEW.status <> 'active')
       AND NOT EXISTS (SELECT 1 FROM public.memberships m
                       WHERE m.org_id = OLD.org_id AND m.user_id <> OLD.user_id
                         AND m.role = 'admin' AND m.status = 'active') THEN
      RAISE EXCEPTION 'an organization must keep at least one active admin' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER memberships_keep_an_admin BEFORE UPDATE ON memberships FOR EACH ROW EXECUTE FUNCTION app_memberships_keep_an_admin();--> statement-breakpoint
REVOKE ALL ON FUNCTION app_memberships_keep_an_admin() FROM careroster_runtime;
