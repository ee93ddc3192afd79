ALTER TABLE "organizations" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "visit_type" text DEFAULT 'follow_up' NOT NULL;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "double_booked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "appointments_clinician_starts_idx" ON "appointments" USING btree ("org_id","clinician_id","starts_at");--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_visit_type" CHECK ("appointments"."visit_type" in ('consultation', 'follow_up', 'procedure', 'telehealth'));--> statement-breakpoint
CREATE POLICY "appointments_double_book_admin_only" ON "appointments" AS RESTRICTIVE FOR INSERT TO "careroster_runtime" WITH CHECK (not "appointments"."double_booked" or (select app_is_admin()));--> statement-breakpoint
-- A practice's time zone is an IANA name (null: the server's zone); the app checks it against Intl's list.
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_time_zone_shape" CHECK ("time_zone" IS NULL OR ("time_zone" ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$' AND length("time_zone") <= 64));--> statement-breakpoint
GRANT UPDATE ("time_zone") ON organizations TO careroster_runtime;--> statement-breakpoint
-- A clinician's scheduled visits never overlap, for any caller (a constraint sees past the
-- policies, so a clinician cannot book over a colleague's visit of a patient they cannot see).
-- btree_gist is a trusted extension (PostgreSQL 13+): the database owner, careroster_owner, may
-- create it. It goes into its own schema, not `public`: its ~200 support functions are executable
-- by PUBLIC and owned by the bootstrap superuser (as for every trusted extension), and nobody but
-- the owner may use that schema. The index finds the default operator class by type, not by
-- search_path, and index maintenance needs no privilege on its support functions.
CREATE SCHEMA IF NOT EXISTS extensions;--> statement-breakpoint
REVOKE ALL ON SCHEMA extensions FROM PUBLIC;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA extensions;--> statement-breakpoint
-- Visits that already overlap (booked before this rule) are kept and marked as double-booked.
UPDATE appointments a SET double_booked = true
 WHERE a.status = 'scheduled'
   AND EXISTS (SELECT 1 FROM appointments b
                WHERE b.clinician_id = a.clinician_id AND b.status = 'scheduled' AND b.id <> a.id
                  AND tstzrange(b.starts_at, b.ends_at) && tstzrange(a.starts_at, a.ends_at)
                  AND (b.created_at, b.id) < (a.created_at, a.id));--> statement-breakpoint
ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap
  EXCLUDE USING gist (clinician_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
  WHERE (status = 'scheduled' AND NOT double_booked);
