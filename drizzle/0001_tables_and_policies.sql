CREATE TYPE "public"."member_role" AS ENUM('admin', 'clinician');--> statement-breakpoint
CREATE TYPE "public"."member_status" AS ENUM('active', 'suspended');--> statement-breakpoint
CREATE TYPE "public"."sex" AS ENUM('female', 'male', 'other', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."appointment_status" AS ENUM('scheduled', 'completed', 'cancelled', 'no_show');--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organizations_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
ALTER TABLE "organizations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "memberships" (
	"user_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"role" "member_role" NOT NULL,
	"status" "member_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_user_id_org_id_pk" PRIMARY KEY("user_id","org_id")
);
--> statement-breakpoint
ALTER TABLE "memberships" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "patients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"mrn" text NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"birth_date" date NOT NULL,
	"sex" "sex" DEFAULT 'unknown' NOT NULL,
	"phone" text,
	"email" text,
	"created_by" uuid NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "patients_org_mrn_key" UNIQUE("org_id","mrn"),
	CONSTRAINT "patients_org_id_key" UNIQUE("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "patients" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "care_team" (
	"org_id" uuid NOT NULL,
	"clinician_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"assigned_by" uuid NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "care_team_clinician_id_org_id_patient_id_pk" PRIMARY KEY("clinician_id","org_id","patient_id")
);
--> statement-breakpoint
ALTER TABLE "care_team" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "appointments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"clinician_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" "appointment_status" DEFAULT 'scheduled' NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "appointments_time_order" CHECK ("appointments"."ends_at" > "appointments"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "appointments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "clinical_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clinical_notes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "access_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"clinician_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"review_comment" text,
	CONSTRAINT "access_grants_reason_present" CHECK (length(btrim("access_grants"."reason")) >= 10),
	CONSTRAINT "access_grants_window" CHECK ("access_grants"."expires_at" > "access_grants"."granted_at" and "access_grants"."expires_at" <= "access_grants"."granted_at" + interval '24 hours')
);
--> statement-breakpoint
ALTER TABLE "access_grants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"org_id" uuid NOT NULL,
	"actor_id" uuid NOT NULL,
	"action" text NOT NULL,
	"patient_id" uuid,
	"entity" text NOT NULL,
	"entity_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_id" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patients" ADD CONSTRAINT "patients_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patients" ADD CONSTRAINT "patients_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_team" ADD CONSTRAINT "care_team_assigned_by_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_team" ADD CONSTRAINT "care_team_org_id_patient_id_patients_org_id_id_fk" FOREIGN KEY ("org_id","patient_id") REFERENCES "public"."patients"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_team" ADD CONSTRAINT "care_team_clinician_id_org_id_memberships_user_id_org_id_fk" FOREIGN KEY ("clinician_id","org_id") REFERENCES "public"."memberships"("user_id","org_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_org_id_patient_id_patients_org_id_id_fk" FOREIGN KEY ("org_id","patient_id") REFERENCES "public"."patients"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_clinician_id_org_id_memberships_user_id_org_id_fk" FOREIGN KEY ("clinician_id","org_id") REFERENCES "public"."memberships"("user_id","org_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinical_notes" ADD CONSTRAINT "clinical_notes_org_id_patient_id_patients_org_id_id_fk" FOREIGN KEY ("org_id","patient_id") REFERENCES "public"."patients"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_org_id_patient_id_patients_org_id_id_fk" FOREIGN KEY ("org_id","patient_id") REFERENCES "public"."patients"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_clinician_id_org_id_memberships_user_id_org_id_fk" FOREIGN KEY ("clinician_id","org_id") REFERENCES "public"."memberships"("user_id","org_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_key" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "memberships_org_user_idx" ON "memberships" USING btree ("org_id","user_id");--> statement-breakpoint
CREATE INDEX "patients_org_name_idx" ON "patients" USING btree ("org_id","family_name","given_name","id");--> statement-breakpoint
CREATE INDEX "care_team_org_patient_idx" ON "care_team" USING btree ("org_id","patient_id");--> statement-breakpoint
CREATE INDEX "appointments_org_patient_starts_idx" ON "appointments" USING btree ("org_id","patient_id","starts_at");--> statement-breakpoint
CREATE INDEX "appointments_org_starts_idx" ON "appointments" USING btree ("org_id","starts_at");--> statement-breakpoint
CREATE INDEX "clinical_notes_org_patient_created_idx" ON "clinical_notes" USING btree ("org_id","patient_id","created_at");--> statement-breakpoint
CREATE INDEX "access_grants_clinician_org_expires_idx" ON "access_grants" USING btree ("clinician_id","org_id","expires_at");--> statement-breakpoint
CREATE INDEX "access_grants_org_review_idx" ON "access_grants" USING btree ("org_id","reviewed_at","granted_at");--> statement-breakpoint
CREATE INDEX "audit_events_org_at_idx" ON "audit_events" USING btree ("org_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_org_patient_at_idx" ON "audit_events" USING btree ("org_id","patient_id","at");--> statement-breakpoint
CREATE INDEX "audit_events_org_actor_at_idx" ON "audit_events" USING btree ("org_id","actor_id","at");--> statement-breakpoint
CREATE POLICY "organizations_select" ON "organizations" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ("organizations"."id" = (select app_org_id()) or "organizations"."id" in (select app_my_org_ids()));--> statement-breakpoint
CREATE POLICY "users_select" ON "users" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ("users"."id" = (select app_user_id()) or "users"."id" in (select user_id from memberships where org_id = (select app_org_id())));--> statement-breakpoint
CREATE POLICY "users_insert" ON "users" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ((select app_is_admin()));--> statement-breakpoint
CREATE POLICY "users_update_self" ON "users" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ("users"."id" = (select app_user_id())) WITH CHECK ("users"."id" = (select app_user_id()));--> statement-breakpoint
CREATE POLICY "memberships_select" ON "memberships" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ("memberships"."org_id" = (select app_org_id()) or "memberships"."user_id" = (select app_user_id()));--> statement-breakpoint
CREATE POLICY "memberships_insert" ON "memberships" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ("memberships"."org_id" = (select app_org_id()) and (select app_is_admin()));--> statement-breakpoint
CREATE POLICY "memberships_update" ON "memberships" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ("memberships"."org_id" = (select app_org_id()) and (select app_is_admin())) WITH CHECK ("memberships"."org_id" = (select app_org_id()) and (select app_is_admin()));--> statement-breakpoint
CREATE POLICY "patients_org_isolation" ON "patients" AS RESTRICTIVE FOR ALL TO "careroster_runtime" USING ("patients"."org_id" = (select app_org_id())) WITH CHECK ("patients"."org_id" = (select app_org_id()));--> statement-breakpoint
CREATE POLICY "patients_select" ON "patients" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ((select app_is_admin()) or ("patients"."archived_at" is null and "patients"."id" in (select app_visible_patient_ids())));--> statement-breakpoint
CREATE POLICY "patients_insert" ON "patients" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ("patients"."created_by" = (select app_user_id()));--> statement-breakpoint
CREATE POLICY "patients_update" ON "patients" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ((select app_is_admin()) or ("patients"."archived_at" is null and "patients"."id" in (select app_visible_patient_ids()))) WITH CHECK ((select app_is_admin()) or "patients"."id" in (select app_visible_patient_ids()));--> statement-breakpoint
CREATE POLICY "care_team_org_isolation" ON "care_team" AS RESTRICTIVE FOR ALL TO "careroster_runtime" USING ("care_team"."org_id" = (select app_org_id())) WITH CHECK ("care_team"."org_id" = (select app_org_id()));--> statement-breakpoint
CREATE POLICY "care_team_select" ON "care_team" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ((select app_is_admin()) or "care_team"."patient_id" in (select app_visible_patient_ids()));--> statement-breakpoint
CREATE POLICY "care_team_insert" ON "care_team" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ((select app_is_admin()));--> statement-breakpoint
CREATE POLICY "care_team_update" ON "care_team" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ((select app_is_admin())) WITH CHECK ((select app_is_admin()));--> statement-breakpoint
CREATE POLICY "care_team_delete" ON "care_team" AS PERMISSIVE FOR DELETE TO "careroster_runtime" USING ((select app_is_admin()));--> statement-breakpoint
CREATE POLICY "appointments_org_isolation" ON "appointments" AS RESTRICTIVE FOR ALL TO "careroster_runtime" USING ("appointments"."org_id" = (select app_org_id())) WITH CHECK ("appointments"."org_id" = (select app_org_id()));--> statement-breakpoint
CREATE POLICY "appointments_select" ON "appointments" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ((select app_is_admin()) or "appointments"."patient_id" in (select app_visible_patient_ids()));--> statement-breakpoint
CREATE POLICY "appointments_insert" ON "appointments" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ((select app_is_admin()) or "appointments"."patient_id" in (select app_visible_patient_ids()));--> statement-breakpoint
CREATE POLICY "appointments_update" ON "appointments" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ((select app_is_admin()) or "appointments"."patient_id" in (select app_visible_patient_ids())) WITH CHECK ((select app_is_admin()) or "appointments"."patient_id" in (select app_visible_patient_ids()));--> statement-breakpoint
CREATE POLICY "clinical_notes_org_isolation" ON "clinical_notes" AS RESTRICTIVE FOR ALL TO "careroster_runtime" USING ("clinical_notes"."org_id" = (select app_org_id())) WITH CHECK ("clinical_notes"."org_id" = (select app_org_id()));--> statement-breakpoint
CREATE POLICY "clinical_notes_select" ON "clinical_notes" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ("clinical_notes"."patient_id" in (select app_visible_patient_ids()));--> statement-breakpoint
CREATE POLICY "clinical_notes_insert" ON "clinical_notes" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ("clinical_notes"."author_id" = (select app_user_id()) and "clinical_notes"."patient_id" in (select app_visible_patient_ids()));--> statement-breakpoint
CREATE POLICY "clinical_notes_update_own" ON "clinical_notes" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ("clinical_notes"."author_id" = (select app_user_id()) and "clinical_notes"."patient_id" in (select app_visible_patient_ids())) WITH CHECK ("clinical_notes"."author_id" = (select app_user_id()) and "clinical_notes"."patient_id" in (select app_visible_patient_ids()));--> statement-breakpoint
CREATE POLICY "access_grants_org_isolation" ON "access_grants" AS RESTRICTIVE FOR ALL TO "careroster_runtime" USING ("access_grants"."org_id" = (select app_org_id())) WITH CHECK ("access_grants"."org_id" = (select app_org_id()));--> statement-breakpoint
CREATE POLICY "access_grants_select" ON "access_grants" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ("access_grants"."clinician_id" = (select app_user_id()) or (select app_is_admin()));--> statement-breakpoint
CREATE POLICY "access_grants_insert" ON "access_grants" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ("access_grants"."clinician_id" = (select app_user_id()) and "access_grants"."granted_at" = now() and "access_grants"."reviewed_by" is null);--> statement-breakpoint
CREATE POLICY "access_grants_update" ON "access_grants" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ((select app_is_admin())) WITH CHECK ((select app_is_admin()));--> statement-breakpoint
CREATE POLICY "audit_events_org_isolation" ON "audit_events" AS RESTRICTIVE FOR ALL TO "careroster_runtime" USING ("audit_events"."org_id" = (select app_org_id())) WITH CHECK ("audit_events"."org_id" = (select app_org_id()));--> statement-breakpoint
CREATE POLICY "audit_events_select_admin" ON "audit_events" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ((select app_is_admin()));--> statement-breakpoint
CREATE POLICY "audit_events_insert_own" ON "audit_events" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ("audit_events"."actor_id" = (select app_user_id()));