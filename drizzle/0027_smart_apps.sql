-- SMART App Launch: apps a practice registers, the authorization codes its members grant them, and
-- the tokens the apps hold (docs/smart-on-fhir.md).
--
-- An app's access is a session of its own: the code exchange starts a `sessions` row (app_id set,
-- no cookie secret) in the app's practice, proven as the consenting browser session was. Every
-- FHIR request enters it through app_context_enter_token(), so what ends a session ends the app's
-- access on its next request: the member ending it on /account, a suspension or an admin's "sign
-- out everywhere" (both end the member's sessions in the practice), a reused refresh token, or the
-- app being disabled. Codes and tokens are kept as SHA-256 only, in tables the runtime role cannot
-- read at all; the token endpoint's functions run on the sign-in login (careroster_auth), like
-- every other function that starts a session.

CREATE TABLE public.smart_apps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  org_id uuid NOT NULL REFERENCES public.organizations (id),
  client_id text NOT NULL,
  name text NOT NULL,
  redirect_uris text[] NOT NULL,
  confidential boolean NOT NULL,
  secret_hash text,
  scopes text[] NOT NULL,
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  disabled_at timestamp with time zone,
  CONSTRAINT smart_apps_client_id_key UNIQUE (client_id),
  CONSTRAINT smart_apps_name CHECK (length(btrim(name)) BETWEEN 2 AND 80),
  CONSTRAINT smart_apps_redirect_uris CHECK (cardinality(redirect_uris) BETWEEN 1 AND 10),
  CONSTRAINT smart_apps_scopes CHECK (cardinality(scopes) BETWEEN 1 AND 20),
  CONSTRAINT smart_apps_secret CHECK (confidential = (secret_hash IS NOT NULL))
);--> statement-breakpoint
CREATE INDEX smart_apps_org_idx ON public.smart_apps (org_id, created_at);--> statement-breakpoint
ALTER TABLE public.smart_apps ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.smart_apps FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY smart_apps_org_isolation ON public.smart_apps AS RESTRICTIVE FOR ALL TO careroster_runtime
  USING (org_id = (SELECT app_org_id())) WITH CHECK (org_id = (SELECT app_org_id()));--> statement-breakpoint
CREATE POLICY smart_apps_select_admin ON public.smart_apps AS PERMISSIVE FOR SELECT TO careroster_runtime
  USING ((SELECT app_is_admin()));--> statement-breakpoint
-- Registered in the admin's own name, never already disabled.
CREATE POLICY smart_apps_insert_admin ON public.smart_apps AS PERMISSIVE FOR INSERT TO careroster_runtime
  WITH CHECK ((SELECT app_is_admin()) AND created_by = (SELECT app_user_id()) AND disabled_at IS NULL);--> statement-breakpoint
-- The one change: disabling (column grant); a disabled app stays disabled (trigger below).
CREATE POLICY smart_apps_update_admin ON public.smart_apps AS PERMISSIVE FOR UPDATE TO careroster_runtime
  USING ((SELECT app_is_admin())) WITH CHECK ((SELECT app_is_admin()) AND disabled_at IS NOT NULL);--> statement-breakpoint
CREATE TRIGGER smart_apps_org_immutable BEFORE UPDATE ON public.smart_apps FOR EACH ROW EXECUTE FUNCTION public.app_forbid_org_change();--> statement-breakpoint
REVOKE ALL ON public.smart_apps FROM PUBLIC, careroster_runtime, careroster_admin, careroster_clinician;--> statement-breakpoint
GRANT SELECT (id, org_id, client_id, name, redirect_uris, confidential, scopes, created_by, created_at, disabled_at)
  ON public.smart_apps TO careroster_runtime;--> statement-breakpoint
GRANT INSERT (org_id, client_id, name, redirect_uris, confidential, secret_hash, scopes, created_by)
  ON public.smart_apps TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (disabled_at) ON public.smart_apps TO careroster_runtime;--> statement-breakpoint

-- The app a session belongs to (NULL: a browser's). Such a session has no token_hash, so no cookie
-- enters it and it cannot be switched to another practice.
ALTER TABLE public.sessions ADD COLUMN app_id uuid REFERENCES public.smart_apps (id);--> statement-breakpoint
CREATE INDEX sessions_app_idx ON public.sessions (app_id) WHERE app_id IS NOT NULL;--> statement-breakpoint
GRANT SELECT (app_id) ON public.sessions TO careroster_runtime;--> statement-breakpoint

-- Disabling an app ends every session it holds; re-enabling is not a thing.
CREATE FUNCTION public.app_smart_apps_disable() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF OLD.disabled_at IS NOT NULL AND NEW.disabled_at IS DISTINCT FROM OLD.disabled_at THEN
      RAISE EXCEPTION 'a disabled app stays disabled' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.disabled_at IS NULL AND NEW.disabled_at IS NOT NULL THEN
      UPDATE public.sessions s SET revoked_at = pg_catalog.now() WHERE s.app_id = NEW.id AND s.revoked_at IS NULL;
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER smart_apps_disable BEFORE UPDATE ON public.smart_apps FOR EACH ROW EXECUTE FUNCTION public.app_smart_apps_disable();--> statement-breakpoint

-- Authorization codes: single use, a minute, bound to the app, the redirect URI and the PKCE
-- challenge. Owner only.
CREATE TABLE public.smart_codes (
  code_hash text PRIMARY KEY,
  app_id uuid NOT NULL REFERENCES public.smart_apps (id),
  org_id uuid NOT NULL REFERENCES public.organizations (id),
  user_id uuid NOT NULL REFERENCES public.users (id),
  browser_session_id uuid NOT NULL REFERENCES public.sessions (id),
  redirect_uri text NOT NULL,
  code_challenge text NOT NULL,
  scopes text[] NOT NULL,
  patient_id uuid,
  nonce text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  used_at timestamp with time zone,
  app_session_id uuid REFERENCES public.sessions (id),
  CONSTRAINT smart_codes_patient_fk FOREIGN KEY (org_id, patient_id) REFERENCES public.patients (org_id, id)
);--> statement-breakpoint
ALTER TABLE public.smart_codes ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.smart_codes FORCE ROW LEVEL SECURITY;--> statement-breakpoint
REVOKE ALL ON public.smart_codes FROM PUBLIC, careroster_runtime, careroster_admin, careroster_clinician;--> statement-breakpoint

-- Access and refresh tokens of an app session. A refresh token is used once (rotation); presenting
-- a used one again ends the session, and with it every token of the family. Owner only.
CREATE TABLE public.smart_tokens (
  token_hash text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('access', 'refresh')),
  session_id uuid NOT NULL REFERENCES public.sessions (id),
  app_id uuid NOT NULL REFERENCES public.smart_apps (id),
  scopes text[] NOT NULL,
  patient_id uuid,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  used_at timestamp with time zone
);--> statement-breakpoint
CREATE INDEX smart_tokens_session_idx ON public.smart_tokens (session_id);--> statement-breakpoint
ALTER TABLE public.smart_tokens ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.smart_tokens FORCE ROW LEVEL SECURITY;--> statement-breakpoint
REVOKE ALL ON public.smart_tokens FROM PUBLIC, careroster_runtime, careroster_admin, careroster_clinician;--> statement-breakpoint

-- An app by its client id, for the authorize page (before sign-in, to check the redirect URI
-- before anything is redirected there). What it answers is what any OAuth client id names.
CREATE FUNCTION public.app_smart_client(p_client_id text)
  RETURNS TABLE (app_id uuid, org_id uuid, org_name text, name text, redirect_uris text[], confidential boolean,
                 scopes text[], disabled boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT a.id, a.org_id, o.name, a.name, a.redirect_uris, a.confidential, a.scopes, a.disabled_at IS NOT NULL
      FROM public.smart_apps a JOIN public.organizations o ON o.id = a.org_id
     WHERE a.client_id = p_client_id
  $$;--> statement-breakpoint

-- The member's consent: a code for the app, in the caller's own browser session and practice,
-- which must be the app's. The caller (server/smart/authorize.ts) has checked, through the
-- policies in this transaction, that the chosen patient is one the member sees.
CREATE FUNCTION public.app_smart_code_issue(p_client_id text, p_code_hash text, p_redirect_uri text, p_challenge text,
                                            p_scopes text[], p_patient uuid, p_nonce text)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    a public.smart_apps%ROWTYPE;
    v_session uuid := NULLIF(pg_catalog.current_setting('app.session_id', true), '')::uuid;
  BEGIN
    SELECT * INTO a FROM public.smart_apps x WHERE x.client_id = p_client_id AND x.disabled_at IS NULL;
    -- Written as one positive condition under coalesce: any NULL refuses.
    IF NOT coalesce(FOUND AND public.app_context_kind() = 'session' AND public.app_org_id() = a.org_id
                    AND v_session IS NOT NULL AND p_redirect_uri = ANY (a.redirect_uris) AND p_scopes <@ a.scopes
                    AND pg_catalog.length(p_challenge) = 43, false) THEN
      RAISE EXCEPTION 'no such authorization for this app' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO public.smart_codes (code_hash, app_id, org_id, user_id, browser_session_id, redirect_uri, code_challenge,
                                    scopes, patient_id, nonce, expires_at)
    VALUES (p_code_hash, a.id, a.org_id, public.app_user_id(), v_session, p_redirect_uri, p_challenge, p_scopes, p_patient,
            p_nonce, pg_catalog.now() + interval '1 minute');
  END
  $$;--> statement-breakpoint

-- Whether a client authenticated: a public app by its id alone, a confidential one with its secret.
-- Never NULL (a missing secret compares as NULL, which IF NOT … would let through).
CREATE FUNCTION public.app_smart_client_ok(a public.smart_apps, p_client_id text, p_secret_hash text) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT coalesce(a.client_id = p_client_id AND a.disabled_at IS NULL
                    AND (NOT a.confidential OR a.secret_hash = p_secret_hash), false)
  $$;--> statement-breakpoint

-- Whether a session may still act in a practice: live, admitted by the practice's sign-in rules
-- (app_session_admits: not barred, its own SSO or a password) and its user an active member there.
CREATE FUNCTION public.app_smart_session_admitted(p_session public.sessions, p_org uuid) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT coalesce(p_session.id IS NOT NULL AND p_session.revoked_at IS NULL AND public.app_session_admits(p_session, p_org)
                    AND EXISTS (SELECT 1 FROM public.memberships m
                                WHERE m.user_id = p_session.user_id AND m.org_id = p_org AND m.status = 'active'), false)
  $$;--> statement-breakpoint

-- An audit row written by the token endpoint's functions (no request identity exists there).
CREATE FUNCTION public.app_smart_audit(p_org uuid, p_user uuid, p_action text, p_entity_id text, p_patient uuid,
                                       p_request_id text, p_detail jsonb) RETURNS void
  LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
  AS $$
    INSERT INTO public.audit_events (org_id, actor_id, action, entity, entity_id, patient_id, request_id, detail)
    VALUES (p_org, p_user, p_action, 'smart_app', p_entity_id, p_patient, p_request_id, coalesce(p_detail, '{}'::jsonb))
  $$;--> statement-breakpoint

-- Issues an access token (and a refresh token when given) for an app session.
CREATE FUNCTION public.app_smart_tokens_issue(p_session uuid, p_app uuid, p_scopes text[], p_patient uuid,
                                              p_access_hash text, p_access_ttl interval,
                                              p_refresh_hash text, p_refresh_ttl interval) RETURNS void
  LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
  AS $$
    INSERT INTO public.smart_tokens (token_hash, kind, session_id, app_id, scopes, patient_id, expires_at)
    SELECT h, k, p_session, p_app, p_scopes, p_patient, pg_catalog.now() + ttl
      FROM (VALUES (p_access_hash, 'access', p_access_ttl), (p_refresh_hash, 'refresh', p_refresh_ttl)) v(h, k, ttl)
     WHERE h IS NOT NULL
  $$;--> statement-breakpoint

-- The authorization_code grant. Answers 'ok' with the grant, or the OAuth error and nothing else.
-- Every answer about a known code is audited in its practice. A code presented a second time ends
-- the session the first exchange started (RFC 6749 §4.1.2). A wrong verifier burns the code.
CREATE FUNCTION public.app_smart_exchange_code(p_code_hash text, p_client_id text, p_secret_hash text, p_redirect_uri text,
                                               p_verifier_challenge text, p_access_hash text, p_access_ttl interval,
                                               p_refresh_hash text, p_refresh_ttl interval, p_request_id text)
  RETURNS TABLE (error text, user_id uuid, org_id uuid, session_id uuid, scopes text[], patient_id uuid, nonce text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    c public.smart_codes%ROWTYPE;
    a public.smart_apps%ROWTYPE;
    b public.sessions%ROWTYPE;
    v_session uuid;
    v_refused text;
  BEGIN
    SELECT * INTO c FROM public.smart_codes x WHERE x.code_hash = p_code_hash FOR UPDATE;
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'invalid_grant', NULL::uuid, NULL::uuid, NULL::uuid, NULL::text[], NULL::uuid, NULL::text;
      RETURN;
    END IF;
    SELECT * INTO a FROM public.smart_apps x WHERE x.id = c.app_id;
    IF NOT public.app_smart_client_ok(a, p_client_id, p_secret_hash) THEN
      PERFORM public.app_smart_audit(c.org_id, c.user_id, 'smart.token_refused', a.id::text, NULL, p_request_id,
                                     pg_catalog.jsonb_build_object('grant', 'authorization_code', 'reason', 'client'));
      RETURN QUERY SELECT 'invalid_client', NULL::uuid, NULL::uuid, NULL::uuid, NULL::text[], NULL::uuid, NULL::text;
      RETURN;
    END IF;
    IF c.used_at IS NOT NULL THEN
      UPDATE public.sessions s SET revoked_at = pg_catalog.now() WHERE s.id = c.app_session_id AND s.revoked_at IS NULL;
      v_refused := 'code_reused';
    ELSIF c.expires_at <= pg_catalog.now() THEN
      v_refused := 'code_expired';
    ELSIF c.redirect_uri IS DISTINCT FROM p_redirect_uri THEN
      v_refused := 'redirect_uri';
    ELSIF c.code_challenge IS DISTINCT FROM p_verifier_challenge THEN
      v_refused := 'pkce';
    ELSE
      SELECT * INTO b FROM public.sessions x WHERE x.id = c.browser_session_id;
      IF NOT public.app_smart_session_admitted(b, c.org_id) THEN
        v_refused := 'session_ended';
      END IF;
    END IF;
    UPDATE public.smart_codes x SET used_at = coalesce(x.used_at, pg_catalog.now()) WHERE x.code_hash = c.code_hash;
    IF v_refused IS NOT NULL THEN
      PERFORM public.app_smart_audit(c.org_id, c.user_id, 'smart.token_refused', a.id::text, NULL, p_request_id,
                                     pg_catalog.jsonb_build_object('grant', 'authorization_code', 'reason', v_refused));
      RETURN QUERY SELECT 'invalid_grant', NULL::uuid, NULL::uuid, NULL::uuid, NULL::text[], NULL::uuid, NULL::text;
      RETURN;
    END IF;
    INSERT INTO public.sessions (user_id, org_id, methods, sso_org_id, user_agent, app_id)
    VALUES (c.user_id, c.org_id, b.methods, b.sso_org_id, pg_catalog.left('SMART app: ' || a.name, 512), a.id)
    RETURNING id INTO v_session;
    UPDATE public.smart_codes x SET app_session_id = v_session WHERE x.code_hash = c.code_hash;
    -- A refresh token only with offline_access.
    PERFORM public.app_smart_tokens_issue(v_session, a.id, c.scopes, c.patient_id, p_access_hash, p_access_ttl,
                                          CASE WHEN 'offline_access' = ANY (c.scopes) THEN p_refresh_hash END, p_refresh_ttl);
    PERFORM public.app_smart_audit(c.org_id, c.user_id, 'smart.token', a.id::text, c.patient_id, p_request_id,
                                   pg_catalog.jsonb_build_object('grant', 'authorization_code', 'scopes', pg_catalog.to_jsonb(c.scopes),
                                                                 'sessionId', v_session));
    RETURN QUERY SELECT NULL::text, c.user_id, c.org_id, v_session, c.scopes, c.patient_id, c.nonce;
  END
  $$;--> statement-breakpoint

-- The refresh_token grant with rotation: the presented token is spent and a new pair issued, for
-- the same scopes or fewer (p_scopes NULL: the same). A spent token presented again ends the session.
CREATE FUNCTION public.app_smart_refresh(p_refresh_hash text, p_client_id text, p_secret_hash text, p_scopes text[],
                                         p_access_hash text, p_access_ttl interval, p_new_refresh_hash text,
                                         p_refresh_ttl interval, p_request_id text)
  RETURNS TABLE (error text, user_id uuid, org_id uuid, session_id uuid, scopes text[], patient_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    t public.smart_tokens%ROWTYPE;
    a public.smart_apps%ROWTYPE;
    s public.sessions%ROWTYPE;
    v_scopes text[];
    v_refused text;
  BEGIN
    SELECT * INTO t FROM public.smart_tokens x WHERE x.token_hash = p_refresh_hash AND x.kind = 'refresh' FOR UPDATE;
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'invalid_grant', NULL::uuid, NULL::uuid, NULL::uuid, NULL::text[], NULL::uuid;
      RETURN;
    END IF;
    SELECT * INTO a FROM public.smart_apps x WHERE x.id = t.app_id;
    SELECT * INTO s FROM public.sessions x WHERE x.id = t.session_id FOR UPDATE;
    IF NOT public.app_smart_client_ok(a, p_client_id, p_secret_hash) THEN
      PERFORM public.app_smart_audit(s.org_id, s.user_id, 'smart.token_refused', a.id::text, NULL, p_request_id,
                                     pg_catalog.jsonb_build_object('grant', 'refresh_token', 'reason', 'client'));
      RETURN QUERY SELECT 'invalid_client', NULL::uuid, NULL::uuid, NULL::uuid, NULL::text[], NULL::uuid;
      RETURN;
    END IF;
    v_scopes := coalesce(p_scopes, t.scopes);
    IF t.used_at IS NOT NULL THEN
      UPDATE public.sessions x SET revoked_at = pg_catalog.now() WHERE x.id = s.id AND x.revoked_at IS NULL;
      v_refused := 'refresh_reused';
    ELSIF NOT public.app_smart_session_admitted(s, s.org_id) THEN
      v_refused := 'session_ended';
    ELSIF t.expires_at <= pg_catalog.now() THEN
      v_refused := 'refresh_expired';
    ELSIF NOT coalesce(v_scopes <@ t.scopes AND pg_catalog.cardinality(v_scopes) > 0, false) THEN
      v_refused := 'scope_escalation';
    END IF;
    IF v_refused IS NOT NULL THEN
      PERFORM public.app_smart_audit(s.org_id, s.user_id, 'smart.token_refused', a.id::text, NULL, p_request_id,
                                     pg_catalog.jsonb_build_object('grant', 'refresh_token', 'reason', v_refused));
      RETURN QUERY SELECT CASE WHEN v_refused = 'scope_escalation' THEN 'invalid_scope' ELSE 'invalid_grant' END,
                          NULL::uuid, NULL::uuid, NULL::uuid, NULL::text[], NULL::uuid;
      RETURN;
    END IF;
    UPDATE public.smart_tokens x SET used_at = pg_catalog.now() WHERE x.token_hash = t.token_hash;
    PERFORM public.app_smart_tokens_issue(s.id, a.id, v_scopes, t.patient_id, p_access_hash, p_access_ttl,
                                          p_new_refresh_hash, p_refresh_ttl);
    PERFORM public.app_smart_audit(s.org_id, s.user_id, 'smart.token', a.id::text, t.patient_id, p_request_id,
                                   pg_catalog.jsonb_build_object('grant', 'refresh_token', 'scopes', pg_catalog.to_jsonb(v_scopes),
                                                                 'sessionId', s.id));
    RETURN QUERY SELECT NULL::text, s.user_id, s.org_id, s.id, v_scopes, t.patient_id;
  END
  $$;--> statement-breakpoint

-- RFC 7009: revoking either token of an app session ends the session (and so all its tokens).
-- An unknown token, or another client's, changes nothing and answers the same.
CREATE FUNCTION public.app_smart_revoke(p_token_hash text, p_client_id text, p_secret_hash text, p_request_id text)
  RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    t public.smart_tokens%ROWTYPE;
    a public.smart_apps%ROWTYPE;
    s public.sessions%ROWTYPE;
  BEGIN
    SELECT * INTO t FROM public.smart_tokens x WHERE x.token_hash = p_token_hash;
    IF NOT FOUND THEN
      RETURN false;
    END IF;
    SELECT * INTO a FROM public.smart_apps x WHERE x.id = t.app_id;
    IF a.client_id IS DISTINCT FROM p_client_id OR (a.confidential AND a.secret_hash IS DISTINCT FROM p_secret_hash) THEN
      RETURN false;
    END IF;
    UPDATE public.sessions x SET revoked_at = pg_catalog.now() WHERE x.id = t.session_id AND x.revoked_at IS NULL
    RETURNING * INTO s;
    IF FOUND THEN
      PERFORM public.app_smart_audit(s.org_id, s.user_id, 'smart.revoke', a.id::text, NULL, p_request_id,
                                     pg_catalog.jsonb_build_object('sessionId', s.id));
    END IF;
    RETURN true;
  END
  $$;--> statement-breakpoint

-- The door for an app's bearer token: a live access token of a live app session of an enabled
-- app, whose practice still admits it and its member. The identity is the session's user in the
-- session's practice (kind 'app'). Anything else leaves the identity EMPTY. Also answers what the
-- token narrows to: its scopes, patient and app.
CREATE FUNCTION public.app_context_enter_token(p_token text)
  RETURNS TABLE (live boolean, user_id uuid, org_id uuid, admin boolean, mfa_required boolean, scopes text[],
                 patient_id uuid, app_id uuid, client_id text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    t public.smart_tokens%ROWTYPE;
    s public.sessions%ROWTYPE;
    v_client text;
  BEGIN
    PERFORM public.app_context_set(NULL, NULL, NULL, NULL);
    SELECT * INTO t FROM public.smart_tokens x
     WHERE x.token_hash = pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
       AND x.kind = 'access' AND x.expires_at > pg_catalog.now();
    IF FOUND THEN
      SELECT a.client_id INTO v_client FROM public.smart_apps a WHERE a.id = t.app_id AND a.disabled_at IS NULL;
      SELECT * INTO s FROM public.sessions x
       WHERE x.id = t.session_id AND x.revoked_at IS NULL AND x.app_id = t.app_id AND v_client IS NOT NULL;
    END IF;
    IF NOT public.app_smart_session_admitted(s, s.org_id) THEN
      RETURN QUERY SELECT false, NULL::uuid, NULL::uuid, false, false, NULL::text[], NULL::uuid, NULL::uuid, NULL::text;
      RETURN;
    END IF;
    UPDATE public.sessions x SET last_seen_at = pg_catalog.now()
      FROM (SELECT d.id FROM public.sessions d WHERE d.id = s.id AND d.last_seen_at < pg_catalog.now() - interval '1 minute'
            FOR UPDATE SKIP LOCKED) due
     WHERE x.id = due.id;
    PERFORM public.app_context_set(s.user_id, s.org_id, s.id, 'app');
    RETURN QUERY SELECT true, s.user_id, public.app_org_id(), public.app_is_admin(), public.app_mfa_enrollment_required(s.id),
                        t.scopes, t.patient_id, t.app_id, v_client;
  END
  $$;--> statement-breakpoint

ALTER FUNCTION public.app_smart_apps_disable() OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_smart_client(text) OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_smart_code_issue(text, text, text, text, text[], uuid, text) OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_smart_client_ok(public.smart_apps, text, text) OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_smart_session_admitted(public.sessions, uuid) OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_smart_audit(uuid, uuid, text, text, uuid, text, jsonb) OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_smart_tokens_issue(uuid, uuid, text[], uuid, text, interval, text, interval) OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_smart_exchange_code(text, text, text, text, text, text, interval, text, interval, text) OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_smart_refresh(text, text, text, text[], text, interval, text, interval, text) OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_smart_revoke(text, text, text, text) OWNER TO careroster_owner;--> statement-breakpoint
ALTER FUNCTION public.app_context_enter_token(text) OWNER TO careroster_owner;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_smart_apps_disable() FROM PUBLIC;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_smart_client(text) FROM PUBLIC;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_smart_code_issue(text, text, text, text, text[], uuid, text) FROM PUBLIC;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_smart_client_ok(public.smart_apps, text, text) FROM PUBLIC;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_smart_session_admitted(public.sessions, uuid) FROM PUBLIC;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_smart_audit(uuid, uuid, text, text, uuid, text, jsonb) FROM PUBLIC;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_smart_tokens_issue(uuid, uuid, text[], uuid, text, interval, text, interval) FROM PUBLIC;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_smart_exchange_code(text, text, text, text, text, text, interval, text, interval, text) FROM PUBLIC;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_smart_refresh(text, text, text, text[], text, interval, text, interval, text) FROM PUBLIC;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_smart_revoke(text, text, text, text) FROM PUBLIC;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION public.app_context_enter_token(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_smart_client(text) TO careroster_runtime;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_smart_code_issue(text, text, text, text, text[], uuid, text) TO careroster_runtime;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_context_enter_token(text) TO careroster_runtime;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_smart_exchange_code(text, text, text, text, text, text, interval, text, interval, text) TO careroster_auth;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_smart_refresh(text, text, text, text[], text, interval, text, interval, text) TO careroster_auth;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_smart_revoke(text, text, text, text) TO careroster_auth;
