CREATE TABLE "mfa_recovery_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mfa_recovery_codes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "org_sso" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_enc" text NOT NULL,
	"domains" text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "org_sso" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "user_mfa" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"secret_enc" text NOT NULL,
	"confirmed_at" timestamp with time zone,
	"last_step" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "user_mfa" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "mfa_policy" text DEFAULT 'admins' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "method" text DEFAULT 'password' NOT NULL;--> statement-breakpoint
ALTER TABLE "mfa_recovery_codes" ADD CONSTRAINT "mfa_recovery_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_sso" ADD CONSTRAINT "org_sso_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_mfa" ADD CONSTRAINT "user_mfa_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mfa_recovery_codes_user_idx" ON "mfa_recovery_codes" USING btree ("user_id","code_hash");--> statement-breakpoint
CREATE INDEX "org_sso_domains_idx" ON "org_sso" USING gin ("domains");--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_mfa_policy" CHECK ("organizations"."mfa_policy" in ('off', 'admins', 'everyone'));--> statement-breakpoint
CREATE POLICY "organizations_update_admin" ON "organizations" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ("organizations"."id" = (select app_org_id()) and (select app_is_admin())) WITH CHECK ("organizations"."id" = (select app_org_id()) and (select app_is_admin()));--> statement-breakpoint
CREATE POLICY "mfa_recovery_codes_select" ON "mfa_recovery_codes" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ("mfa_recovery_codes"."user_id" = (select app_user_id()) or ((select app_is_admin()) and user_id in (select m.user_id from memberships m where m.org_id = (select app_org_id()) and m.status = 'active')));--> statement-breakpoint
CREATE POLICY "mfa_recovery_codes_insert" ON "mfa_recovery_codes" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ("mfa_recovery_codes"."user_id" = (select app_user_id()) and "mfa_recovery_codes"."used_at" is null);--> statement-breakpoint
CREATE POLICY "mfa_recovery_codes_update" ON "mfa_recovery_codes" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ("mfa_recovery_codes"."user_id" = (select app_user_id()) and "mfa_recovery_codes"."used_at" is null) WITH CHECK ("mfa_recovery_codes"."user_id" = (select app_user_id()) and "mfa_recovery_codes"."used_at" is not null);--> statement-breakpoint
CREATE POLICY "mfa_recovery_codes_delete" ON "mfa_recovery_codes" AS PERMISSIVE FOR DELETE TO "careroster_runtime" USING ("mfa_recovery_codes"."user_id" = (select app_user_id()) or ((select app_is_admin()) and user_id in (select m.user_id from memberships m where m.org_id = (select app_org_id()) and m.status = 'active')));--> statement-breakpoint
CREATE POLICY "org_sso_admin" ON "org_sso" AS PERMISSIVE FOR ALL TO "careroster_runtime" USING ("org_sso"."org_id" = (select app_org_id()) and (select app_is_admin())) WITH CHECK ("org_sso"."org_id" = (select app_org_id()) and (select app_is_admin()));--> statement-breakpoint
CREATE POLICY "user_mfa_select" ON "user_mfa" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ("user_mfa"."user_id" = (select app_user_id()) or ((select app_is_admin()) and user_id in (select m.user_id from memberships m where m.org_id = (select app_org_id()) and m.status = 'active')));--> statement-breakpoint
CREATE POLICY "user_mfa_insert" ON "user_mfa" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ("user_mfa"."user_id" = (select app_user_id()) and "user_mfa"."confirmed_at" is null and "user_mfa"."last_step" = 0);--> statement-breakpoint
CREATE POLICY "user_mfa_update" ON "user_mfa" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ("user_mfa"."user_id" = (select app_user_id())) WITH CHECK ("user_mfa"."user_id" = (select app_user_id()));--> statement-breakpoint
CREATE POLICY "user_mfa_delete" ON "user_mfa" AS PERMISSIVE FOR DELETE TO "careroster_runtime" USING (((select app_is_admin()) and user_id in (select m.user_id from memberships m where m.org_id = (select app_org_id()) and m.status = 'active')) or ("user_mfa"."user_id" = (select app_user_id()) and ("user_mfa"."confirmed_at" is null or exists (select 1 from mfa_recovery_codes r where r.user_id = "user_mfa"."user_id" and r.used_at = now()))));--> statement-breakpoint

-- ── Hand-written: two-factor and single sign-on ─────────────────────────────────
ALTER TABLE public.user_mfa FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.mfa_recovery_codes FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.org_sso FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- Secrets only as ciphertext (the app encrypts), recovery codes only as SHA-256; column grants for writes.
GRANT SELECT, DELETE ON public.user_mfa TO careroster_runtime;--> statement-breakpoint
GRANT INSERT (user_id, secret_enc) ON public.user_mfa TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (confirmed_at, last_step) ON public.user_mfa TO careroster_runtime;--> statement-breakpoint
GRANT SELECT, DELETE ON public.mfa_recovery_codes TO careroster_runtime;--> statement-breakpoint
GRANT INSERT (user_id, code_hash) ON public.mfa_recovery_codes TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (used_at) ON public.mfa_recovery_codes TO careroster_runtime;--> statement-breakpoint
GRANT SELECT, DELETE ON public.org_sso TO careroster_runtime;--> statement-breakpoint
GRANT INSERT (org_id, issuer, client_id, client_secret_enc, domains) ON public.org_sso TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (issuer, client_id, client_secret_enc, domains, updated_at) ON public.org_sso TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (mfa_policy) ON public.organizations TO careroster_runtime;--> statement-breakpoint
GRANT INSERT (method) ON public.sessions TO careroster_runtime;--> statement-breakpoint

-- A confirmed factor's last step only moves forward (a replayed or older code can never be recorded),
-- and a factor, once confirmed, stays confirmed until it is removed.
CREATE OR REPLACE FUNCTION public.app_user_mfa_forward() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF NEW.last_step < OLD.last_step OR (OLD.confirmed_at IS NOT NULL AND NEW.confirmed_at IS DISTINCT FROM OLD.confirmed_at) THEN
      RAISE EXCEPTION 'a second factor only moves forward' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER user_mfa_forward BEFORE UPDATE ON public.user_mfa FOR EACH ROW EXECUTE FUNCTION public.app_user_mfa_forward();--> statement-breakpoint

-- Is the caller held at enrollment? True when the current practice's policy requires a second factor
-- of this member (admins / everyone), the member has no confirmed factor, and the session was not
-- opened through the practice's identity provider (SSO leaves the second factor to the IdP).
-- Invoker rights: it reads only what the caller may read (own membership, own factor, own session).
CREATE OR REPLACE FUNCTION public.app_mfa_enrollment_required(p_session uuid) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT COALESCE((
      SELECT (o.mfa_policy = 'everyone' OR (o.mfa_policy = 'admins' AND m.role = 'admin'))
        FROM public.organizations o
        JOIN public.memberships m ON m.org_id = o.id AND m.user_id = public.app_user_id() AND m.status = 'active'
       WHERE o.id = public.app_org_id()), false)
      AND NOT EXISTS (SELECT 1 FROM public.user_mfa f WHERE f.user_id = public.app_user_id() AND f.confirmed_at IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM public.sessions s WHERE s.id = p_session AND s.user_id = public.app_user_id() AND s.method = 'sso')
  $$;--> statement-breakpoint

-- The identity provider of the practice whose SSO covers an email domain, for the sign-in page and
-- next-auth before any context exists. SECURITY DEFINER because org_sso is readable by the
-- practice's admins only; it answers one row for one exact domain (the secret as ciphertext).
CREATE OR REPLACE FUNCTION public.app_sso_for_domain(p_domain text)
  RETURNS TABLE (org_id uuid, org_name text, org_slug text, issuer text, client_id text, client_secret_enc text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT s.org_id, o.name, o.slug, s.issuer, s.client_id, s.client_secret_enc
      FROM public.org_sso s JOIN public.organizations o ON o.id = s.org_id
     WHERE pg_catalog.lower(p_domain) = ANY (s.domains)
     ORDER BY s.updated_at DESC
     LIMIT 1
  $$;--> statement-breakpoint

-- SSO sign-in for a verified email: answers the user id when the account is an active member of
-- the practice, or holds a pending invitation there (which it then accepts, audited); NULL
-- otherwise. SSO never creates an account or access on its own. SECURITY DEFINER because no
-- context exists yet (as app_auth_user); the email must already be checked as verified by the caller.
CREATE OR REPLACE FUNCTION public.app_sso_member(p_org uuid, p_email text, p_request_id text) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user uuid;
    v_inv public.invitations%ROWTYPE;
  BEGIN
    SELECT u.id INTO v_user FROM public.users u WHERE pg_catalog.lower(u.email) = pg_catalog.lower(p_email);
    IF v_user IS NULL THEN
      RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = v_user AND m.org_id = p_org AND m.status = 'active') THEN
      RETURN v_user;
    END IF;
    SELECT * INTO v_inv FROM public.invitations i
     WHERE i.org_id = p_org AND pg_catalog.lower(i.email) = pg_catalog.lower(p_email)
       AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > pg_catalog.now()
     ORDER BY i.created_at DESC LIMIT 1 FOR UPDATE;
    IF NOT FOUND THEN
      RETURN NULL;
    END IF;
    -- A suspended membership stays suspended.
    INSERT INTO public.memberships AS m (user_id, org_id, role, status) VALUES (v_user, p_org, v_inv.role, 'active')
    ON CONFLICT (user_id, org_id) DO UPDATE SET status = 'active', role = EXCLUDED.role WHERE m.status = 'invited';
    IF NOT EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = v_user AND m.org_id = p_org AND m.status = 'active') THEN
      RETURN NULL;
    END IF;
    UPDATE public.invitations SET accepted_at = pg_catalog.now(), accepted_by = v_user WHERE id = v_inv.id;
    INSERT INTO public.audit_events (org_id, actor_id, action, entity, entity_id, request_id, detail)
    VALUES (p_org, v_user, 'member.invite_accept', 'invitation', v_inv.id::text, p_request_id,
            pg_catalog.jsonb_build_object('role', v_inv.role, 'newAccount', false, 'via', 'sso'));
    RETURN v_user;
  END
  $$;--> statement-breakpoint

REVOKE ALL ON FUNCTION public.app_user_mfa_forward(), public.app_mfa_enrollment_required(uuid), public.app_sso_for_domain(text),
  public.app_sso_member(uuid, text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_mfa_enrollment_required(uuid), public.app_sso_for_domain(text), public.app_sso_member(uuid, text, text)
  TO careroster_runtime;
--> statement-breakpoint
-- The provider by its next-auth id (`sso-<slug>`), for the sign-in and callback routes before any
-- context exists. SECURITY DEFINER for the same reason as app_sso_for_domain; one row by slug.
CREATE OR REPLACE FUNCTION public.app_sso_by_slug(p_slug text)
  RETURNS TABLE (org_id uuid, org_name text, org_slug text, issuer text, client_id text, client_secret_enc text, domains text[])
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT s.org_id, o.name, o.slug, s.issuer, s.client_id, s.client_secret_enc, s.domains
      FROM public.org_sso s JOIN public.organizations o ON o.id = s.org_id
     WHERE o.slug = p_slug
  $$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_sso_by_slug(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_sso_by_slug(text) TO careroster_runtime;
