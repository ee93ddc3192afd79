ALTER TYPE "public"."member_status" ADD VALUE 'invited' BEFORE 'active';--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "member_role" NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" uuid,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "password_resets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "password_resets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_accepted_by_users_id_fk" FOREIGN KEY ("accepted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "invitations_org_created_idx" ON "invitations" USING btree ("org_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "invitations_email_idx" ON "invitations" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "password_resets_token_hash_key" ON "password_resets" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "password_resets_user_idx" ON "password_resets" USING btree ("user_id");--> statement-breakpoint
DROP POLICY "users_insert" ON "users" CASCADE;--> statement-breakpoint
CREATE POLICY "invitations_org_isolation" ON "invitations" AS RESTRICTIVE FOR ALL TO "careroster_runtime" USING ("invitations"."org_id" = (select app_org_id())) WITH CHECK ("invitations"."org_id" = (select app_org_id()));--> statement-breakpoint
CREATE POLICY "invitations_select" ON "invitations" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ((select app_is_admin()));--> statement-breakpoint
CREATE POLICY "invitations_insert" ON "invitations" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ((select app_is_admin()) and "invitations"."org_id" = (select app_org_id()) and "invitations"."invited_by" = (select app_user_id()) and "invitations"."accepted_at" is null and "invitations"."accepted_by" is null and "invitations"."revoked_at" is null);--> statement-breakpoint
CREATE POLICY "invitations_update" ON "invitations" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ((select app_is_admin()) and "invitations"."accepted_at" is null and "invitations"."revoked_at" is null) WITH CHECK ((select app_is_admin()) and "invitations"."accepted_at" is null and "invitations"."accepted_by" is null);--> statement-breakpoint
CREATE POLICY "password_resets_none" ON "password_resets" AS PERMISSIVE FOR ALL TO "careroster_runtime" USING (false) WITH CHECK (false);--> statement-breakpoint
ALTER POLICY "memberships_select" ON "memberships" TO careroster_runtime USING (("memberships"."org_id" = (select app_org_id()) and "memberships"."status" in ('active', 'suspended')) or "memberships"."user_id" = (select app_user_id()));--> statement-breakpoint

-- ─── Hand-written: FORCE, grants, and the narrow SECURITY DEFINER doors ─────────────────────────
-- The enum value 'invited' was added above in this same transaction, so nothing below may *use* it
-- at creation time: the functions that do are PL/pgSQL (their bodies are resolved at first call).

ALTER TABLE invitations FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- Admins list, create, resend and revoke invitations under the policies. The token hash is
-- written, never read back; accepted_* only by the definer functions (the insert policy requires NULL).
-- Drizzle names every column in an INSERT (DEFAULT for the ones not given), hence the full list.
GRANT SELECT (id, org_id, email, name, role, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at) ON invitations TO careroster_runtime;--> statement-breakpoint
GRANT INSERT (id, org_id, email, name, role, token_hash, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at) ON invitations TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (token_hash, expires_at, revoked_at) ON invitations TO careroster_runtime;--> statement-breakpoint
-- password_resets: no grant at all (only the definer functions below touch it).

-- Accounts are no longer created by admins (a pre-created account with a known password
-- let one practice's admin into another practice). Only an invitation token holder creates one.
REVOKE INSERT ON users FROM careroster_runtime;--> statement-breakpoint
-- The email probe went with the "add an existing account" path: no admin learns whether an email has an account.
DROP FUNCTION IF EXISTS app_find_user_id_by_email(text);--> statement-breakpoint

-- Keeps the invited membership of an existing account in step with the practice's pending
-- invitation for that email (after invite, resend, revoke). SECURITY DEFINER because the admin may
-- not see users outside the practice: it looks the email up itself and returns nothing, so the
-- admin's answer is the same whether or not the email has an account. Acts only for an active
-- admin of p_org_id, and only on `invited` rows (never touches an active or suspended membership).
CREATE OR REPLACE FUNCTION public.app_invitation_sync_membership(p_org_id uuid, p_email text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user uuid;
    v_role public.member_role;
  BEGIN
    IF p_org_id IS DISTINCT FROM public.app_org_id() OR NOT public.app_is_admin() THEN
      RETURN;
    END IF;
    SELECT u.id INTO v_user FROM public.users u WHERE lower(u.email) = lower(p_email);
    IF v_user IS NULL THEN
      RETURN;
    END IF;
    SELECT i.role INTO v_role FROM public.invitations i
    WHERE i.org_id = p_org_id AND lower(i.email) = lower(p_email)
      AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
    ORDER BY i.created_at DESC LIMIT 1;
    IF v_role IS NULL THEN
      DELETE FROM public.memberships m WHERE m.user_id = v_user AND m.org_id = p_org_id AND m.status = 'invited';
    ELSE
      INSERT INTO public.memberships AS m (user_id, org_id, role, status) VALUES (v_user, p_org_id, v_role, 'invited')
      ON CONFLICT (user_id, org_id) DO UPDATE SET role = EXCLUDED.role WHERE m.status = 'invited';
    END IF;
  END
  $$;--> statement-breakpoint

-- The invitation page, before any sign-in: the holder of the emailed token learns the practice's
-- name, the invited email, role and suggested name, and whether an account uses that email (to offer
-- "set a password" or "sign in and accept"). Nothing for a token that is unknown, used, revoked or
-- expired. SECURITY DEFINER because there is no org context yet; the token is the credential.
CREATE OR REPLACE FUNCTION public.app_invitation_preview(p_token_hash text)
  RETURNS TABLE (org_name text, email text, name text, role public.member_role, account_exists boolean, expires_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT o.name, i.email, i.name, i.role,
           EXISTS (SELECT 1 FROM public.users u WHERE lower(u.email) = lower(i.email)),
           i.expires_at
    FROM public.invitations i JOIN public.organizations o ON o.id = i.org_id
    WHERE i.token_hash = p_token_hash
      AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
  $$;--> statement-breakpoint

-- A new person accepts: creates their account (the email is the invitation's, so setting the
-- password from the emailed link verifies it) and an active membership, atomically with using the
-- token up (row locked FOR UPDATE: two parallel accepts cannot both succeed). Refuses when an
-- account already uses the email (that person signs in and accepts instead). Other practices'
-- pending invitations for the same email become `invited` memberships of the new account.
-- SECURITY DEFINER because nobody is signed in and the runtime role may not create users.
CREATE OR REPLACE FUNCTION public.app_invitation_accept_new(p_token_hash text, p_name text, p_password_hash text, p_request_id text)
  RETURNS TABLE (user_id uuid, org_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  #variable_conflict use_column
  DECLARE
    v_inv public.invitations%ROWTYPE;
    v_user uuid;
  BEGIN
    SELECT * INTO v_inv FROM public.invitations i WHERE i.token_hash = p_token_hash FOR UPDATE;
    IF NOT FOUND OR v_inv.accepted_at IS NOT NULL OR v_inv.revoked_at IS NOT NULL OR v_inv.expires_at <= now() THEN
      RAISE EXCEPTION 'invitation is not valid' USING ERRCODE = 'CR001';
    END IF;
    IF EXISTS (SELECT 1 FROM public.users u WHERE lower(u.email) = lower(v_inv.email)) THEN
      RAISE EXCEPTION 'an account already uses this email' USING ERRCODE = 'CR003';
    END IF;
    BEGIN
      INSERT INTO public.users (email, name, password_hash, email_verified_at)
      VALUES (v_inv.email, btrim(p_name), p_password_hash, now())
      RETURNING id INTO v_user;
    EXCEPTION WHEN unique_violation THEN
      RAISE EXCEPTION 'an account already uses this email' USING ERRCODE = 'CR003';
    END;
    INSERT INTO public.memberships (user_id, org_id, role, status) VALUES (v_user, v_inv.org_id, v_inv.role, 'active');
    UPDATE public.invitations SET accepted_at = now(), accepted_by = v_user WHERE id = v_inv.id;
    INSERT INTO public.memberships (user_id, org_id, role, status)
    SELECT DISTINCT ON (i.org_id) v_user, i.org_id, i.role, 'invited'
    FROM public.invitations i
    WHERE lower(i.email) = lower(v_inv.email) AND i.id <> v_inv.id
      AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
    ORDER BY i.org_id, i.created_at DESC
    ON CONFLICT DO NOTHING;
    INSERT INTO public.audit_events (org_id, actor_id, action, entity, entity_id, request_id, detail)
    VALUES (v_inv.org_id, v_user, 'member.invite_accept', 'invitation', v_inv.id::text, p_request_id,
            jsonb_build_object('role', v_inv.role, 'newAccount', true));
    RETURN QUERY SELECT v_user, v_inv.org_id;
  END
  $$;--> statement-breakpoint

-- A signed-in account holder accepts, either with the emailed token or (from the list of their
-- pending invitations) by id. Either way the signed-in user's email must be the invitation's; by id
-- only if that email was verified (a legacy account someone else set a password for must use the
-- emailed link, or reset its password first). The membership becomes active only here: nobody
-- joins a practice without accepting. SECURITY DEFINER because the invitee has no context in that
-- practice yet; the caller is app_user_id(), never a parameter.
CREATE OR REPLACE FUNCTION public.app_invitation_accept_existing(p_token_hash text, p_invitation_id uuid, p_request_id text)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_inv public.invitations%ROWTYPE;
    v_user public.users%ROWTYPE;
  BEGIN
    SELECT * INTO v_user FROM public.users u WHERE u.id = public.app_user_id();
    IF NOT FOUND THEN
      RAISE EXCEPTION 'not signed in' USING ERRCODE = 'CR006';
    END IF;
    IF p_token_hash IS NOT NULL THEN
      SELECT * INTO v_inv FROM public.invitations i WHERE i.token_hash = p_token_hash FOR UPDATE;
    ELSE
      SELECT * INTO v_inv FROM public.invitations i WHERE i.id = p_invitation_id FOR UPDATE;
    END IF;
    IF NOT FOUND OR v_inv.accepted_at IS NOT NULL OR v_inv.revoked_at IS NOT NULL OR v_inv.expires_at <= now() THEN
      RAISE EXCEPTION 'invitation is not valid' USING ERRCODE = 'CR001';
    END IF;
    IF lower(v_user.email) <> lower(v_inv.email) THEN
      -- By id, someone else's invitation is indistinguishable from a missing one.
      IF p_token_hash IS NULL THEN
        RAISE EXCEPTION 'invitation is not valid' USING ERRCODE = 'CR001';
      END IF;
      RAISE EXCEPTION 'this invitation is for another email address' USING ERRCODE = 'CR002';
    END IF;
    IF p_token_hash IS NULL AND v_user.email_verified_at IS NULL THEN
      RAISE EXCEPTION 'open the emailed link to accept' USING ERRCODE = 'CR004';
    END IF;
    IF p_token_hash IS NOT NULL AND v_user.email_verified_at IS NULL THEN
      UPDATE public.users SET email_verified_at = now() WHERE id = v_user.id;
    END IF;
    -- A suspended membership stays suspended: an invitation never overrides the practice's decision.
    INSERT INTO public.memberships AS m (user_id, org_id, role, status) VALUES (v_user.id, v_inv.org_id, v_inv.role, 'active')
    ON CONFLICT (user_id, org_id) DO UPDATE SET status = 'active', role = EXCLUDED.role WHERE m.status = 'invited';
    UPDATE public.invitations SET accepted_at = now(), accepted_by = v_user.id WHERE id = v_inv.id;
    INSERT INTO public.audit_events (org_id, actor_id, action, entity, entity_id, request_id, detail)
    VALUES (v_inv.org_id, v_user.id, 'member.invite_accept', 'invitation', v_inv.id::text, p_request_id,
            jsonb_build_object('role', v_inv.role, 'newAccount', false, 'via', CASE WHEN p_token_hash IS NULL THEN 'list' ELSE 'link' END));
    RETURN v_inv.org_id;
  END
  $$;--> statement-breakpoint

-- The signed-in user's pending invitations (matched by their account's email), for the banner
-- after sign-in. SECURITY DEFINER because the invitations belong to practices the user is not in.
CREATE OR REPLACE FUNCTION public.app_my_invitations()
  RETURNS TABLE (id uuid, org_id uuid, org_name text, role public.member_role, expires_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT i.id, i.org_id, o.name, i.role, i.expires_at
    FROM public.invitations i
    JOIN public.organizations o ON o.id = i.org_id
    JOIN public.users u ON u.id = public.app_user_id() AND lower(u.email) = lower(i.email)
    WHERE i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
    ORDER BY i.created_at
  $$;--> statement-breakpoint

-- Forgot password, before sign-in. Records a 30-minute reset for the account with that email (the
-- app sends the mail only when this returns a row, but answers the caller the same either way);
-- earlier unused links of that account die. Audited in each practice the user is active in.
-- SECURITY DEFINER because nobody is signed in and password_resets is closed to the runtime role.
CREATE OR REPLACE FUNCTION public.app_password_reset_request(p_email text, p_token_hash text, p_request_id text)
  RETURNS TABLE (email text, name text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  #variable_conflict use_column
  DECLARE
    v_user public.users%ROWTYPE;
  BEGIN
    SELECT * INTO v_user FROM public.users u WHERE lower(u.email) = lower(btrim(p_email));
    IF NOT FOUND THEN
      RETURN;
    END IF;
    DELETE FROM public.password_resets r WHERE r.created_at < now() - interval '1 day';
    UPDATE public.password_resets r SET used_at = now() WHERE r.user_id = v_user.id AND r.used_at IS NULL;
    INSERT INTO public.password_resets (user_id, token_hash, expires_at) VALUES (v_user.id, p_token_hash, now() + interval '30 minutes');
    INSERT INTO public.audit_events (org_id, actor_id, action, entity, entity_id, request_id, detail)
    SELECT m.org_id, v_user.id, 'auth.password_reset_request', 'user', v_user.id::text, p_request_id, '{}'::jsonb
    FROM public.memberships m WHERE m.user_id = v_user.id AND m.status = 'active';
    RETURN QUERY SELECT v_user.email, v_user.name;
  END
  $$;--> statement-breakpoint

-- The reset page: the email and name behind a valid token (the password policy uses both).
CREATE OR REPLACE FUNCTION public.app_password_reset_preview(p_token_hash text)
  RETURNS TABLE (email text, name text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT u.email, u.name FROM public.password_resets r JOIN public.users u ON u.id = r.user_id
    WHERE r.token_hash = p_token_hash AND r.used_at IS NULL AND r.expires_at > now()
  $$;--> statement-breakpoint

-- Sets the new password and uses the token up, atomically (row locked FOR UPDATE). The emailed
-- link proves the address, so the email counts as verified. SECURITY DEFINER: nobody is signed in.
CREATE OR REPLACE FUNCTION public.app_password_reset_complete(p_token_hash text, p_password_hash text, p_request_id text)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_reset public.password_resets%ROWTYPE;
  BEGIN
    SELECT * INTO v_reset FROM public.password_resets r WHERE r.token_hash = p_token_hash FOR UPDATE;
    IF NOT FOUND OR v_reset.used_at IS NOT NULL OR v_reset.expires_at <= now() THEN
      RAISE EXCEPTION 'reset link is not valid' USING ERRCODE = 'CR005';
    END IF;
    UPDATE public.password_resets r SET used_at = now() WHERE r.user_id = v_reset.user_id AND r.used_at IS NULL;
    UPDATE public.users u SET password_hash = p_password_hash, email_verified_at = coalesce(u.email_verified_at, now())
    WHERE u.id = v_reset.user_id;
    -- A reset ends every session of the user (the table comes in 0011; plpgsql resolves it at run time).
    UPDATE public.sessions s SET revoked_at = now() WHERE s.user_id = v_reset.user_id AND s.revoked_at IS NULL;
    INSERT INTO public.audit_events (org_id, actor_id, action, entity, entity_id, request_id, detail)
    SELECT m.org_id, v_reset.user_id, 'auth.password_reset', 'user', v_reset.user_id::text, p_request_id, '{}'::jsonb
    FROM public.memberships m WHERE m.user_id = v_reset.user_id AND m.status = 'active';
    RETURN v_reset.user_id;
  END
  $$;--> statement-breakpoint

REVOKE ALL ON FUNCTION public.app_invitation_sync_membership(uuid, text), public.app_invitation_preview(text),
  public.app_invitation_accept_new(text, text, text, text), public.app_invitation_accept_existing(text, uuid, text),
  public.app_my_invitations(), public.app_password_reset_request(text, text, text), public.app_password_reset_preview(text),
  public.app_password_reset_complete(text, text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_invitation_sync_membership(uuid, text), public.app_invitation_preview(text),
  public.app_invitation_accept_new(text, text, text, text), public.app_invitation_accept_existing(text, uuid, text),
  public.app_my_invitations(), public.app_password_reset_request(text, text, text), public.app_password_reset_preview(text),
  public.app_password_reset_complete(text, text, text) TO careroster_runtime;
