-- The identity the policies read comes from a session the database verified, never from a setting
-- anyone can write. Before this, `set_config('app.user_id', <anyone>, true)` on the runtime role's
-- connection was enough to read as anyone; now app_user_id() answers only for an identity set by one
-- of the named doors below in this very transaction:
--   app_context_enter(session, secret)  every request (runtime role): a live session and its secret
--   app_context_assume(member)          an admin's "what would they see" (runtime role), read-only
--   app_context_sign_in(user)           the second factor check during sign-in (careroster_auth only)
--   app_context_job(org)                the reminders job (careroster_auth only)
-- Password hashes, session creation and SSO sign-in move to careroster_auth too: a separate login
-- (DATABASE_AUTH_URL) used only by the sign-in path and jobs, so the runtime role's credentials in
-- hostile hands neither read a hash nor mint a session.

-- ── The marker the runtime role cannot forge ────────────────────────────────────────────────
-- A key only careroster_owner can read (RLS forced, no policies, no grants). The doors set the
-- identity settings plus a MAC over them, bound to this backend and this transaction's start, so a
-- value seen elsewhere (a log) is worthless in another transaction. 244 random bits from two v4 uuids.
CREATE TABLE public.app_context_key (
  id integer PRIMARY KEY CHECK (id = 1),
  key bytea NOT NULL
);--> statement-breakpoint
ALTER TABLE public.app_context_key ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.app_context_key FORCE ROW LEVEL SECURITY;--> statement-breakpoint
INSERT INTO public.app_context_key (id, key)
VALUES (1, pg_catalog.sha256(pg_catalog.convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')));--> statement-breakpoint

-- sha256(key || sha256(key || message)): the nested form, so no length extension of a seen MAC.
-- The epoch (not timestamptz::text) so a caller's TimeZone or DateStyle cannot change the message.
-- Plain SQL without SECURITY DEFINER or SET so the planner inlines it (and app_context_valid) into the
-- one definer function that calls it: one function boundary per check. Nobody else may EXECUTE it.
CREATE FUNCTION public.app_context_mac(p_user text, p_org text, p_session text, p_kind text) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT pg_catalog.encode(pg_catalog.sha256(k.key OPERATOR(pg_catalog.||) pg_catalog.sha256(k.key OPERATOR(pg_catalog.||) pg_catalog.convert_to(
             pg_catalog.concat_ws('|', coalesce(p_user, ''), coalesce(p_org, ''), coalesce(p_session, ''), coalesce(p_kind, ''),
                                  pg_catalog.pg_backend_pid()::text,
                                  pg_catalog.date_part('epoch', pg_catalog.transaction_timestamp())::text), 'UTF8'))), 'hex')
    FROM public.app_context_key k WHERE k.id = 1
  $$;--> statement-breakpoint

-- Sets (or, with NULL user, clears) the identity of this transaction. Internal: no EXECUTE for anyone
-- but the owner, whose door functions call it.
CREATE FUNCTION public.app_context_set(p_user uuid, p_org uuid, p_session uuid, p_kind text) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT pg_catalog.set_config('app.user_id', coalesce(p_user::text, ''), true),
           pg_catalog.set_config('app.org_id', CASE WHEN p_user IS NULL THEN '' ELSE coalesce(p_org::text, '') END, true),
           pg_catalog.set_config('app.session_id', CASE WHEN p_user IS NULL THEN '' ELSE coalesce(p_session::text, '') END, true),
           pg_catalog.set_config('app.context_kind', CASE WHEN p_user IS NULL THEN '' ELSE p_kind END, true),
           pg_catalog.set_config('app.context_mac', CASE WHEN p_user IS NULL THEN '' ELSE
             public.app_context_mac(p_user::text, coalesce(p_org::text, ''), coalesce(p_session::text, ''), p_kind) END, true)
  $$;--> statement-breakpoint

-- Whether the identity settings are the ones a door set in this transaction (inlined like the MAC).
CREATE FUNCTION public.app_context_valid() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(pg_catalog.current_setting('app.context_mac', true), '') <> ''
       AND pg_catalog.current_setting('app.context_mac', true) = public.app_context_mac(
             pg_catalog.current_setting('app.user_id', true), pg_catalog.current_setting('app.org_id', true),
             pg_catalog.current_setting('app.session_id', true), pg_catalog.current_setting('app.context_kind', true))
  $$;--> statement-breakpoint

-- The user the policies see: the setting only when its MAC holds. SECURITY DEFINER now, because the
-- check reads the key; every policy already calls it as an InitPlan, once per statement.
CREATE OR REPLACE FUNCTION public.app_user_id() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT CASE WHEN public.app_context_valid() THEN NULLIF(pg_catalog.current_setting('app.user_id', true), '')::uuid END
  $$;--> statement-breakpoint

-- Which door set the identity ('session', 'assumed', 'sign_in', 'job'), NULL when none did.
CREATE FUNCTION public.app_context_kind() RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT CASE WHEN public.app_context_valid() THEN NULLIF(pg_catalog.current_setting('app.context_kind', true), '') END
  $$;--> statement-breakpoint

-- ── Sessions: a secret, a practice, and how they were proven ────────────────────────────────
-- token_hash: SHA-256 of the secret the session cookie carries (the id alone is seen by admins).
-- org_id: the practice the session is in; only app_context_enter reads it, only switching moves it.
-- methods: what sign-in proved ('password', 'totp', 'recovery_code'); sso_org_id: the practice whose
-- identity provider opened it. barred_orgs: practices whose admin ended this person's access there.
ALTER TABLE public.sessions ADD COLUMN token_hash text;--> statement-breakpoint
ALTER TABLE public.sessions ADD COLUMN org_id uuid REFERENCES public.organizations (id);--> statement-breakpoint
ALTER TABLE public.sessions ADD COLUMN methods text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE public.sessions ADD COLUMN sso_org_id uuid REFERENCES public.organizations (id);--> statement-breakpoint
ALTER TABLE public.sessions ADD COLUMN barred_orgs uuid[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
-- Sessions from before have no secret and can never be entered again: end them.
UPDATE public.sessions SET revoked_at = now() WHERE revoked_at IS NULL;--> statement-breakpoint
ALTER TABLE public.sessions DROP COLUMN method;--> statement-breakpoint
CREATE UNIQUE INDEX sessions_token_hash_key ON public.sessions (token_hash);--> statement-breakpoint
ALTER TABLE public.sessions ADD CONSTRAINT sessions_sso_in_own_practice CHECK (sso_org_id IS NULL OR sso_org_id = org_id);--> statement-breakpoint

-- The runtime role reads sessions (never the hash) and ends them; it no longer starts one.
REVOKE SELECT, INSERT ON public.sessions FROM careroster_runtime;--> statement-breakpoint
GRANT SELECT (id, user_id, created_at, last_seen_at, revoked_at, user_agent, org_id, methods, sso_org_id) ON public.sessions TO careroster_runtime;--> statement-breakpoint
DROP POLICY sessions_insert ON public.sessions;--> statement-breakpoint
-- An admin sees and ends the sessions that are in their practice, not a member's sessions elsewhere.
ALTER POLICY sessions_select ON public.sessions TO careroster_runtime
  USING (user_id = (SELECT app_user_id()) OR ((SELECT app_is_admin()) AND org_id = (SELECT app_org_id())
         AND user_id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = (SELECT app_org_id()) AND m.status = 'active')));--> statement-breakpoint
ALTER POLICY sessions_update ON public.sessions TO careroster_runtime
  USING (user_id = (SELECT app_user_id()) OR ((SELECT app_is_admin()) AND org_id = (SELECT app_org_id())
         AND user_id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = (SELECT app_org_id()) AND m.status = 'active')))
  WITH CHECK (revoked_at IS NOT NULL AND (user_id = (SELECT app_user_id()) OR ((SELECT app_is_admin()) AND org_id = (SELECT app_org_id())
         AND user_id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = (SELECT app_org_id()) AND m.status = 'active'))));--> statement-breakpoint

-- Whether what a session proved meets a practice's sign-in rules: that practice's own identity
-- provider, or a password sign-in (whose second factor the practice's policy then demands through
-- app_mfa_enrollment_required). Another practice's SSO proves nothing here.
CREATE FUNCTION public.app_session_admits(p_session public.sessions, p_org uuid) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT p_org IS NOT NULL AND NOT (p_org = ANY (p_session.barred_orgs))
       AND (p_session.sso_org_id = p_org OR (p_session.sso_org_id IS NULL AND 'password' = ANY (p_session.methods)))
  $$;--> statement-breakpoint

-- Is the caller held at enrollment? As before, except that only the practice's OWN identity
-- provider stands in for its second factor: an SSO session of another practice never does.
CREATE OR REPLACE FUNCTION public.app_mfa_enrollment_required(p_session uuid) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT COALESCE((
      SELECT (o.mfa_policy = 'everyone' OR (o.mfa_policy = 'admins' AND m.role = 'admin'))
        FROM public.organizations o
        JOIN public.memberships m ON m.org_id = o.id AND m.user_id = public.app_user_id() AND m.status = 'active'
       WHERE o.id = public.app_org_id()), false)
      AND NOT EXISTS (SELECT 1 FROM public.user_mfa f WHERE f.user_id = public.app_user_id() AND f.confirmed_at IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM public.sessions s
                      WHERE s.id = p_session AND s.user_id = public.app_user_id() AND s.sso_org_id = public.app_org_id())
  $$;--> statement-breakpoint

-- ── The doors ───────────────────────────────────────────────────────────────────────────────
-- Every request: the session must be live and the secret must be its own. The identity is the
-- session's user in the session's practice (while the membership is active: app_org_id() checks);
-- anything else leaves the identity EMPTY, so the first statement of the request reads nothing.
-- Also records activity at most once a minute, skipping a row another request holds.
CREATE FUNCTION public.app_context_enter(p_session uuid, p_secret text)
  RETURNS TABLE (live boolean, user_id uuid, org_id uuid, admin boolean, mfa_required boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    s public.sessions%ROWTYPE;
  BEGIN
    PERFORM public.app_context_set(NULL, NULL, NULL, NULL);
    SELECT * INTO s FROM public.sessions x
     WHERE x.id = p_session AND x.revoked_at IS NULL
       AND x.token_hash = pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(coalesce(p_secret, ''), 'UTF8')), 'hex');
    IF NOT FOUND THEN
      RETURN QUERY SELECT false, NULL::uuid, NULL::uuid, false, false;
      RETURN;
    END IF;
    UPDATE public.sessions x SET last_seen_at = pg_catalog.now()
      FROM (SELECT d.id FROM public.sessions d WHERE d.id = s.id AND d.last_seen_at < pg_catalog.now() - interval '1 minute'
            FOR UPDATE SKIP LOCKED) due
     WHERE x.id = due.id;
    PERFORM public.app_context_set(s.user_id, s.org_id, s.id, 'session');
    RETURN QUERY SELECT true, s.user_id, public.app_org_id(), public.app_is_admin(), public.app_mfa_enrollment_required(s.id);
  END
  $$;--> statement-breakpoint

-- Moves a live session to another practice, if what it proved meets that practice's rules.
-- Answers 'switched', 'step_up' (sign in for that practice first) or 'not_member'.
CREATE FUNCTION public.app_session_switch_org(p_session uuid, p_secret text, p_org uuid) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    s public.sessions%ROWTYPE;
  BEGIN
    SELECT * INTO s FROM public.sessions x
     WHERE x.id = p_session AND x.revoked_at IS NULL
       AND x.token_hash = pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(coalesce(p_secret, ''), 'UTF8')), 'hex')
     FOR UPDATE;
    IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM public.memberships m
                                WHERE m.user_id = s.user_id AND m.org_id = p_org AND m.status = 'active') THEN
      RETURN 'not_member';
    END IF;
    IF NOT public.app_session_admits(s, p_org) THEN
      RETURN 'step_up';
    END IF;
    UPDATE public.sessions x SET org_id = p_org WHERE x.id = s.id;
    RETURN 'switched';
  END
  $$;--> statement-breakpoint

-- An admin asks "what would this member see?" (the access explainer, the coverage preview): the
-- identity becomes the member's, in the same practice, flagged 'assumed', and the transaction turns
-- READ ONLY (it cannot be turned back): nothing can be written in their name. Notes stay hidden
-- under an assumed identity (restrictive policies below). Rolling back to a savepoint taken before
-- restores the admin's own identity and read-write mode together.
CREATE FUNCTION public.app_context_assume(p_user uuid)
  RETURNS TABLE (user_id uuid, org_id uuid, admin boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_org uuid := public.app_org_id();
    v_session uuid := NULLIF(pg_catalog.current_setting('app.session_id', true), '')::uuid;
  BEGIN
    IF public.app_context_kind() IS DISTINCT FROM 'session' OR v_org IS NULL OR NOT public.app_is_admin()
       OR NOT EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = p_user AND m.org_id = v_org) THEN
      RAISE EXCEPTION 'only a practice admin may look as a member of the practice' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_catalog.set_config('transaction_read_only', 'on', true);
    PERFORM public.app_context_set(p_user, v_org, v_session, 'assumed');
    RETURN QUERY SELECT p_user, public.app_org_id(), public.app_is_admin();
  END
  $$;--> statement-breakpoint

-- Sign-in, between the password and the session: the user (no practice) so their own second factor
-- can be checked and its last step recorded under the user_mfa policies. careroster_auth only.
CREATE FUNCTION public.app_context_sign_in(p_user uuid) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT public.app_context_set(p_user, NULL, NULL, 'sign_in') $$;--> statement-breakpoint

-- The reminders job in one practice, as its earliest active admin (recorded as such in the audit).
-- careroster_auth only. Answers the actor, or NULL for a practice without an active admin.
CREATE FUNCTION public.app_context_job(p_org uuid) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_actor uuid;
  BEGIN
    SELECT m.user_id INTO v_actor FROM public.memberships m
     WHERE m.org_id = p_org AND m.role = 'admin' AND m.status = 'active'
     ORDER BY m.created_at, m.user_id LIMIT 1;
    PERFORM public.app_context_set(v_actor, p_org, NULL, 'job');
    RETURN v_actor;
  END
  $$;--> statement-breakpoint

-- A session for a user who passed every step of sign-in (checked by the caller, the only holder of
-- careroster_auth). The practice must be one where they are active; an SSO session is in the
-- practice whose provider opened it. Answers the session id; the secret never comes back.
CREATE FUNCTION public.app_session_start(p_user uuid, p_org uuid, p_methods text[], p_sso_org uuid, p_user_agent text, p_secret text)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_id uuid;
  BEGIN
    IF pg_catalog.length(coalesce(p_secret, '')) < 32 THEN
      RAISE EXCEPTION 'a session needs a secret of at least 32 characters' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_org IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.memberships m
                                         WHERE m.user_id = p_user AND m.org_id = p_org AND m.status = 'active') THEN
      RAISE EXCEPTION 'not an active member of that practice' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_sso_org IS NOT NULL AND p_sso_org IS DISTINCT FROM p_org THEN
      RAISE EXCEPTION 'an SSO session starts in its own practice' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_sso_org IS NULL AND NOT ('password' = ANY (coalesce(p_methods, '{}'))) THEN
      RAISE EXCEPTION 'a session is opened by a password or by a practice''s sign-in' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO public.sessions (user_id, org_id, methods, sso_org_id, user_agent, token_hash)
    VALUES (p_user, p_org, coalesce(p_methods, '{}'), p_sso_org, pg_catalog.left(p_user_agent, 512),
            pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(p_secret, 'UTF8')), 'hex'))
    RETURNING id INTO v_id;
    RETURN v_id;
  END
  $$;--> statement-breakpoint

-- ── What an admin's session actions reach: their own practice only ──────────────────────────
-- Ends a user's sessions that are in `p_org` and bars that practice from the rest (a session of
-- theirs in another practice goes on there, but cannot come back here without a new sign-in).
-- Internal: only the two definer functions below call it. Answers how many sessions ended.
CREATE FUNCTION public.app_end_sessions_in(p_user uuid, p_org uuid) RETURNS integer
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ended integer;
  BEGIN
    UPDATE public.sessions s SET revoked_at = pg_catalog.now()
     WHERE s.user_id = p_user AND s.revoked_at IS NULL AND s.org_id = p_org;
    GET DIAGNOSTICS v_ended = ROW_COUNT;
    UPDATE public.sessions s SET barred_orgs = s.barred_orgs || p_org
     WHERE s.user_id = p_user AND s.revoked_at IS NULL AND NOT (p_org = ANY (s.barred_orgs));
    RETURN v_ended;
  END
  $$;--> statement-breakpoint

-- An admin's "sign out everywhere" for a member. SECURITY DEFINER because barred_orgs is not the
-- runtime role's to write; the caller must be an admin of the practice and the user one of its members.
CREATE FUNCTION public.app_end_member_sessions(p_user uuid) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_org uuid := public.app_org_id();
  BEGIN
    IF v_org IS NULL OR NOT public.app_is_admin() OR public.app_context_kind() IS DISTINCT FROM 'session'
       OR NOT EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = p_user AND m.org_id = v_org) THEN
      RAISE EXCEPTION 'only an admin of the practice may end its members'' sessions' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN public.app_end_sessions_in(p_user, v_org);
  END
  $$;--> statement-breakpoint

-- A suspension works the same way. SECURITY DEFINER because the admin's policies cover active
-- members, which they stop being here.
CREATE OR REPLACE FUNCTION public.app_memberships_end_sessions() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    PERFORM public.app_end_sessions_in(NEW.user_id, NEW.org_id);
    RETURN NULL;
  END
  $$;--> statement-breakpoint

-- Whether an admin of the current practice may reset this user's second factor: only for a member
-- of this practice who belongs to no other (about anyone else it answers false, telling nothing). A
-- factor protects every practice the person is in; one practice's admin must not weaken another's
-- sign-in (the member replaces it with a recovery code instead).
CREATE FUNCTION public.app_member_only_here(p_user uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT public.app_org_id() IS NOT NULL
       AND EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = p_user AND m.org_id = public.app_org_id())
       AND NOT EXISTS (SELECT 1 FROM public.memberships m
                       WHERE m.user_id = p_user AND m.org_id <> public.app_org_id() AND m.status IN ('active', 'invited'))
  $$;--> statement-breakpoint
ALTER POLICY user_mfa_delete ON public.user_mfa TO careroster_runtime
  USING (((SELECT app_is_admin()) AND public.app_member_only_here(user_id)
          AND user_id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = (SELECT app_org_id()) AND m.status = 'active'))
         OR (user_id = (SELECT app_user_id()) AND (confirmed_at IS NULL
             OR EXISTS (SELECT 1 FROM mfa_recovery_codes r WHERE r.user_id = user_mfa.user_id AND r.used_at = now()))));--> statement-breakpoint
ALTER POLICY mfa_recovery_codes_delete ON public.mfa_recovery_codes TO careroster_runtime
  USING (user_id = (SELECT app_user_id())
         OR ((SELECT app_is_admin()) AND public.app_member_only_here(user_id)
             AND user_id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = (SELECT app_org_id()) AND m.status = 'active')));--> statement-breakpoint

-- ── Under an assumed identity: no notes, no factors ─────────────────────────────────────────
CREATE POLICY clinical_notes_not_assumed ON public.clinical_notes AS RESTRICTIVE FOR SELECT TO careroster_runtime
  USING ((SELECT app_context_kind()) IS DISTINCT FROM 'assumed');--> statement-breakpoint
CREATE POLICY user_mfa_not_assumed ON public.user_mfa AS RESTRICTIVE FOR SELECT TO careroster_runtime
  USING ((SELECT app_context_kind()) IS DISTINCT FROM 'assumed');--> statement-breakpoint
CREATE POLICY mfa_recovery_codes_not_assumed ON public.mfa_recovery_codes AS RESTRICTIVE FOR SELECT TO careroster_runtime
  USING ((SELECT app_context_kind()) IS DISTINCT FROM 'assumed');--> statement-breakpoint

-- ── Password hashes and single sign-on: careroster_auth only ────────────────────────────────
-- An account created by a practice's sign-in has no password until its owner sets one.
ALTER TABLE public.users ALTER COLUMN password_hash DROP NOT NULL;--> statement-breakpoint

-- The identities (issuer + subject of a practice's provider) that may sign in as an account. Made
-- only by app_sso_sign_in (an invited new account) or app_sso_link_complete (after the account's own
-- proof); the owner of the account reads and removes them.
CREATE TABLE public.user_identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  user_id uuid NOT NULL REFERENCES public.users (id),
  org_id uuid NOT NULL REFERENCES public.organizations (id),
  issuer text NOT NULL,
  subject text NOT NULL,
  email text NOT NULL,
  linked_via text NOT NULL CHECK (linked_via IN ('invitation', 'proof')),
  linked_at timestamptz DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX user_identities_provider_key ON public.user_identities (org_id, issuer, subject);--> statement-breakpoint
CREATE INDEX user_identities_user_idx ON public.user_identities (user_id);--> statement-breakpoint
ALTER TABLE public.user_identities ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.user_identities FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY user_identities_own ON public.user_identities AS PERMISSIVE FOR SELECT TO careroster_runtime
  USING (user_id = (SELECT app_user_id()) AND (SELECT app_context_kind()) = 'session');--> statement-breakpoint
CREATE POLICY user_identities_unlink ON public.user_identities AS PERMISSIVE FOR DELETE TO careroster_runtime
  USING (user_id = (SELECT app_user_id()) AND (SELECT app_context_kind()) = 'session');--> statement-breakpoint
GRANT SELECT, DELETE ON public.user_identities TO careroster_runtime;--> statement-breakpoint

-- A provider's assertion for an existing account waits here until the account proves itself
-- (password and second factor). Owner only: the runtime role has no access at all.
CREATE TABLE public.sso_link_requests (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES public.users (id),
  org_id uuid NOT NULL REFERENCES public.organizations (id),
  issuer text NOT NULL,
  subject text NOT NULL,
  email text NOT NULL,
  created_at timestamptz DEFAULT now() NOT NULL,
  expires_at timestamptz NOT NULL
);--> statement-breakpoint
ALTER TABLE public.sso_link_requests ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.sso_link_requests FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- The pending invitation of an email to a practice (newest), locked; accepted by the callers below.
CREATE FUNCTION public.app_sso_accept_invitation(p_org uuid, p_user uuid, p_email text, p_request_id text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_inv public.invitations%ROWTYPE;
  BEGIN
    SELECT * INTO v_inv FROM public.invitations i
     WHERE i.org_id = p_org AND pg_catalog.lower(i.email) = pg_catalog.lower(p_email)
       AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > pg_catalog.now()
     ORDER BY i.created_at DESC LIMIT 1 FOR UPDATE;
    IF NOT FOUND THEN
      RETURN false;
    END IF;
    -- A suspended membership stays suspended.
    INSERT INTO public.memberships AS m (user_id, org_id, role, status) VALUES (p_user, p_org, v_inv.role, 'active')
    ON CONFLICT (user_id, org_id) DO UPDATE SET status = 'active', role = EXCLUDED.role WHERE m.status = 'invited';
    IF NOT EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = p_user AND m.org_id = p_org AND m.status = 'active') THEN
      RETURN false;
    END IF;
    UPDATE public.invitations SET accepted_at = pg_catalog.now(), accepted_by = p_user WHERE id = v_inv.id;
    INSERT INTO public.audit_events (org_id, actor_id, action, entity, entity_id, request_id, detail)
    VALUES (p_org, p_user, 'member.invite_accept', 'invitation', v_inv.id::text, p_request_id,
            pg_catalog.jsonb_build_object('role', v_inv.role, 'via', 'sso'));
    RETURN true;
  END
  $$;--> statement-breakpoint

-- A practice's provider asserted (issuer, subject, verified email) and the caller checked the id_token
-- and that the email's domain is verified for this practice. Outcomes:
--   'signed_in'  the identity is linked to an account that is (or by a pending invitation becomes)
--                an active member here;
--   'created'    no account has this email and the practice invited it: the account is created with
--                this identity linked (and no password);
--   'needs_link' an account with this email exists but this identity is not linked to it: nothing
--                happens until the account proves itself (app_sso_link_complete);
--   'not_member' nothing for this practice.
-- SSO never takes over an account it did not create.
CREATE FUNCTION public.app_sso_sign_in(p_org uuid, p_issuer text, p_subject text, p_email text, p_name text, p_request_id text)
  RETURNS TABLE (outcome text, user_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  #variable_conflict use_column
  DECLARE
    v_user uuid;
    v_email text := pg_catalog.lower(pg_catalog.btrim(p_email));
  BEGIN
    SELECT i.user_id INTO v_user FROM public.user_identities i
     WHERE i.org_id = p_org AND i.issuer = p_issuer AND i.subject = p_subject;
    IF FOUND THEN
      IF EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = v_user AND m.org_id = p_org AND m.status = 'active')
         OR public.app_sso_accept_invitation(p_org, v_user, v_email, p_request_id) THEN
        RETURN QUERY SELECT 'signed_in'::text, v_user;
      ELSE
        RETURN QUERY SELECT 'not_member'::text, NULL::uuid;
      END IF;
      RETURN;
    END IF;
    SELECT u.id INTO v_user FROM public.users u WHERE pg_catalog.lower(u.email) = v_email;
    IF FOUND THEN
      IF EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = v_user AND m.org_id = p_org AND m.status = 'active')
         OR EXISTS (SELECT 1 FROM public.invitations i
                     WHERE i.org_id = p_org AND pg_catalog.lower(i.email) = v_email
                       AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > pg_catalog.now()) THEN
        RETURN QUERY SELECT 'needs_link'::text, v_user;
      ELSE
        RETURN QUERY SELECT 'not_member'::text, NULL::uuid;
      END IF;
      RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.invitations i
                    WHERE i.org_id = p_org AND pg_catalog.lower(i.email) = v_email
                      AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > pg_catalog.now()) THEN
      RETURN QUERY SELECT 'not_member'::text, NULL::uuid;
      RETURN;
    END IF;
    INSERT INTO public.users (email, name, password_hash, email_verified_at)
    VALUES (v_email, coalesce(NULLIF(pg_catalog.btrim(p_name), ''), v_email), NULL, pg_catalog.now())
    RETURNING id INTO v_user;
    INSERT INTO public.user_identities (user_id, org_id, issuer, subject, email, linked_via)
    VALUES (v_user, p_org, p_issuer, p_subject, v_email, 'invitation');
    PERFORM public.app_sso_accept_invitation(p_org, v_user, v_email, p_request_id);
    RETURN QUERY SELECT 'created'::text, v_user;
  END
  $$;--> statement-breakpoint

-- Holds an assertion for an existing account for 10 minutes, keyed by the hash of a one-time token
-- the browser carries to the sign-in form.
CREATE FUNCTION public.app_sso_link_begin(p_org uuid, p_issuer text, p_subject text, p_email text, p_user uuid, p_token_hash text)
  RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    DELETE FROM public.sso_link_requests r WHERE r.expires_at < pg_catalog.now();
    INSERT INTO public.sso_link_requests (token_hash, user_id, org_id, issuer, subject, email, expires_at)
    VALUES (p_token_hash, p_user, p_org, p_issuer, p_subject, pg_catalog.lower(p_email), pg_catalog.now() + interval '10 minutes');
  $$;--> statement-breakpoint

-- The account proved itself (the caller checked its password and second factor): link the identity,
-- accept the practice's pending invitation if there is one, audit in that practice. Single use.
-- Answers the practice, or NULL when the token is unknown, used, expired or for another account.
CREATE FUNCTION public.app_sso_link_complete(p_token_hash text, p_user uuid, p_request_id text)
  RETURNS TABLE (org_id uuid, org_name text, email text, active boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  #variable_conflict use_column
  DECLARE
    r public.sso_link_requests%ROWTYPE;
  BEGIN
    DELETE FROM public.sso_link_requests x WHERE x.token_hash = p_token_hash RETURNING * INTO r;
    IF NOT FOUND OR r.user_id <> p_user OR r.expires_at <= pg_catalog.now() THEN
      RETURN;
    END IF;
    INSERT INTO public.user_identities (user_id, org_id, issuer, subject, email, linked_via)
    VALUES (r.user_id, r.org_id, r.issuer, r.subject, r.email, 'proof')
    ON CONFLICT (org_id, issuer, subject) DO NOTHING;
    IF NOT EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = r.user_id AND m.org_id = r.org_id AND m.status = 'active') THEN
      PERFORM public.app_sso_accept_invitation(r.org_id, r.user_id, r.email, p_request_id);
    END IF;
    INSERT INTO public.audit_events (org_id, actor_id, action, entity, entity_id, request_id, detail)
    VALUES (r.org_id, r.user_id, 'auth.sso_link', 'user', r.user_id::text, p_request_id,
            pg_catalog.jsonb_build_object('issuer', r.issuer));
    RETURN QUERY SELECT o.id, o.name, u.email,
                        EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = r.user_id AND m.org_id = r.org_id AND m.status = 'active')
                   FROM public.organizations o, public.users u WHERE o.id = r.org_id AND u.id = r.user_id;
  END
  $$;--> statement-breakpoint

-- Replaced by app_sso_sign_in (which never accepts an invitation for an existing account) and by
-- app_context_enter (the session check with its secret).
DROP FUNCTION public.app_sso_member(uuid, text, text);--> statement-breakpoint
DROP FUNCTION public.app_session_live(uuid, uuid);--> statement-breakpoint

-- ── Who may call what ───────────────────────────────────────────────────────────────────────
REVOKE ALL ON FUNCTION public.app_context_mac(text, text, text, text), public.app_context_set(uuid, uuid, uuid, text),
  public.app_context_valid(), public.app_context_kind(), public.app_session_admits(public.sessions, uuid),
  public.app_context_enter(uuid, text), public.app_session_switch_org(uuid, text, uuid), public.app_context_assume(uuid),
  public.app_context_sign_in(uuid), public.app_context_job(uuid),
  public.app_session_start(uuid, uuid, text[], uuid, text, text), public.app_end_sessions_in(uuid, uuid),
  public.app_end_member_sessions(uuid), public.app_member_only_here(uuid), public.app_sso_accept_invitation(uuid, uuid, text, text),
  public.app_sso_sign_in(uuid, text, text, text, text, text), public.app_sso_link_begin(uuid, text, text, text, uuid, text),
  public.app_sso_link_complete(text, uuid, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_context_kind(), public.app_context_enter(uuid, text),
  public.app_session_switch_org(uuid, text, uuid), public.app_context_assume(uuid), public.app_end_member_sessions(uuid),
  public.app_member_only_here(uuid)
  TO careroster_runtime;--> statement-breakpoint
-- Password hashes, sessions, SSO and jobs: the sign-in path's own role, never the runtime role.
REVOKE EXECUTE ON FUNCTION public.app_auth_user(text), public.app_job_practices() FROM careroster_runtime;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_auth_user(text), public.app_job_practices(), public.app_context_sign_in(uuid),
  public.app_context_job(uuid), public.app_session_start(uuid, uuid, text[], uuid, text, text),
  public.app_sso_sign_in(uuid, text, text, text, text, text), public.app_sso_link_begin(uuid, text, text, text, uuid, text),
  public.app_sso_link_complete(text, uuid, text)
  TO careroster_auth;
