ALTER TABLE "organizations" ADD COLUMN "time_zone" text;--> statement-breakpoint
CREATE POLICY "organizations_update" ON "organizations" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ("organizations"."id" = (select app_org_id()) and (select app_is_admin())) WITH CHECK ("organizations"."id" = (select app_org_id()) and (select app_is_admin()));--> statement-breakpoint
-- A practice's time zone is an IANA name (null: the server's zone); the app checks it against Intl's list.
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_time_zone_shape" CHECK ("time_zone" IS NULL OR ("time_zone" ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$' AND length("time_zone") <= 64));--> statement-breakpoint
GRANT UPDATE ("time_zone") ON organizations TO careroster_runtime;
