CREATE TABLE "login_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "login_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key_hash" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "login_attempts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "appointment_reminders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"appointment_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"remind_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "appointment_reminders_appointment_key" UNIQUE("appointment_id")
);
--> statement-breakpoint
ALTER TABLE "appointment_reminders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "appointment_reminders" ADD CONSTRAINT "appointment_reminders_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointment_reminders" ADD CONSTRAINT "appointment_reminders_org_id_patient_id_patients_org_id_id_fk" FOREIGN KEY ("org_id","patient_id") REFERENCES "public"."patients"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "login_attempts_key_at_idx" ON "login_attempts" USING btree ("key_hash","at");--> statement-breakpoint
CREATE POLICY "login_attempts_none" ON "login_attempts" AS PERMISSIVE FOR ALL TO "careroster_runtime" USING (false) WITH CHECK (false);--> statement-breakpoint
CREATE POLICY "appointment_reminders_org_isolation" ON "appointment_reminders" AS RESTRICTIVE FOR ALL TO "careroster_runtime" USING ("appointment_reminders"."org_id" = (select app_org_id())) WITH CHECK ("appointment_reminders"."org_id" = (select app_org_id()));--> statement-breakpoint
CREATE POLICY "appointment_reminders_select" ON "appointment_reminders" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ((select app_is_admin()) or "appointment_reminders"."patient_id" in (select app_visible_patient_ids()));--> statement-breakpoint
CREATE POLICY "appointment_reminders_insert" ON "appointment_reminders" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ((select app_is_admin()));