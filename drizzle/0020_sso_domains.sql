-- An email domain serves at most one practice's single sign-on, and only once that practice proved it
-- controls the domain: a DNS TXT record `_careroster-sso.<domain>` holding `careroster-sso=<token>`
-- (checked by the app, marked here), or the operator's word (`npm run sso:verify-domain`, owner
-- connection). Before this, org_sso.domains took whatever an admin typed, so the admin of one practice
-- could list another practice's domain and receive its members' sign-ins.

-- ── The practice's token ────────────────────────────────────────────────────────────────────
-- Published in DNS by the practice, so no secret; random and unique, so one practice's record proves
-- nothing for another. Made by the database: no grant lets the runtime role write it.
ALTER TABLE public.organizations ADD COLUMN sso_verification_token text DEFAULT pg_catalog.replace(gen_random_uuid()::text, '-', '') NOT NULL;--> statement-breakpoint
ALTER TABLE public.organizations ADD CONSTRAINT organizations_sso_verification_token_key UNIQUE (sso_verification_token);--> statement-breakpoint

-- ── Public mail domains ─────────────────────────────────────────────────────────────────────
-- Anyone can have an address there, so no practice may claim one. The same list as
-- lib/public-mail-domains.ts (a test keeps them equal). Plain SQL, no definer rights: the table's
-- CHECK below runs it as the inserting role, which is why the runtime role may execute it.
CREATE FUNCTION public.app_public_mail_domain(p_domain text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT pg_catalog.lower(pg_catalog.btrim(p_domain)) = ANY (ARRAY[
      'aim.com', 'aol.com', 'fastmail.com', 'gmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'googlemail.com', 'hey.com',
      'hotmail.co.uk', 'hotmail.com', 'hotmail.fr', 'hushmail.com', 'icloud.com', 'live.com', 'mac.com', 'mail.com',
      'mail.ru', 'me.com', 'msn.com', 'outlook.com', 'pm.me', 'proton.me', 'protonmail.com', 'qq.com', 'rocketmail.com',
      'tutanota.com', 'web.de', 'yahoo.co.uk', 'yahoo.com', 'yahoo.fr', 'yandex.com', 'yandex.ru', 'ymail.com', 'zoho.com'
    ]::text[])
  $$;--> statement-breakpoint

-- ── A practice's domains ────────────────────────────────────────────────────────────────────
-- Pending until proven (verified_at/verified_by null). The admin adds and removes the practice's own
-- rows; only app_sso_domain_mark (below) or the owner sets verified_at.
CREATE TABLE public.org_sso_domains (
  org_id uuid NOT NULL REFERENCES public.organizations (id),
  domain text NOT NULL,
  created_at timestamptz DEFAULT now() NOT NULL,
  verified_at timestamptz,
  verified_by text,
  last_checked_at timestamptz,
  PRIMARY KEY (org_id, domain),
  CONSTRAINT org_sso_domains_shape CHECK (
    domain = pg_catalog.lower(domain) AND pg_catalog.length(domain) <= 253
    AND domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'),
  CONSTRAINT org_sso_domains_not_public CHECK (NOT public.app_public_mail_domain(domain)),
  CONSTRAINT org_sso_domains_verified_by CHECK (verified_by IN ('dns', 'operator')),
  CONSTRAINT org_sso_domains_verified_both CHECK ((verified_at IS NULL) = (verified_by IS NULL))
);--> statement-breakpoint
-- At most one practice per verified domain, decided by the database: of two practices verifying the
-- same domain at once, the second to commit fails here whatever the app checked before.
CREATE UNIQUE INDEX org_sso_domains_verified_key ON public.org_sso_domains (pg_catalog.lower(domain)) WHERE verified_at IS NOT NULL;--> statement-breakpoint
ALTER TABLE public.org_sso_domains ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE public.org_sso_domains FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY org_sso_domains_select ON public.org_sso_domains AS PERMISSIVE FOR SELECT TO careroster_runtime
  USING (org_id = (SELECT app_org_id()) AND (SELECT app_is_admin()));--> statement-breakpoint
CREATE POLICY org_sso_domains_insert ON public.org_sso_domains AS PERMISSIVE FOR INSERT TO careroster_runtime
  WITH CHECK (org_id = (SELECT app_org_id()) AND (SELECT app_is_admin())
              AND verified_at IS NULL AND verified_by IS NULL AND last_checked_at IS NULL);--> statement-breakpoint
CREATE POLICY org_sso_domains_delete ON public.org_sso_domains AS PERMISSIVE FOR DELETE TO careroster_runtime
  USING (org_id = (SELECT app_org_id()) AND (SELECT app_is_admin()));--> statement-breakpoint
-- No UPDATE at all and INSERT of (org_id, domain) only: the runtime role never writes verified_at.
GRANT SELECT, DELETE ON public.org_sso_domains TO careroster_runtime;--> statement-breakpoint
GRANT INSERT (org_id, domain) ON public.org_sso_domains TO careroster_runtime;--> statement-breakpoint

-- The domains configured so far become pending: nothing typed before this was ever proven. Shapes
-- the table refuses (and public mail domains) are left behind with the column.
INSERT INTO public.org_sso_domains (org_id, domain)
SELECT DISTINCT s.org_id, pg_catalog.lower(pg_catalog.btrim(d))
  FROM public.org_sso s, pg_catalog.unnest(s.domains) d
 WHERE pg_catalog.length(pg_catalog.btrim(d)) <= 253
   AND pg_catalog.lower(pg_catalog.btrim(d)) ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'
   AND NOT public.app_public_mail_domain(d);--> statement-breakpoint
ALTER TABLE public.org_sso DROP COLUMN domains;--> statement-breakpoint

-- ── Marking a domain verified ───────────────────────────────────────────────────────────────
-- p_by 'dns': the caller found the practice's record (app_sso_domain_verify); 'operator': the
-- operator command, which also adds the domain if the practice has not. Refuses a public mail domain
-- (CR008) and a domain another practice holds verified (CR009) — checked first for the message, and
-- by the unique index for the race. CR011: the practice has no such domain.
-- SECURITY INVOKER on purpose: only careroster_owner may execute it (the operator command's owner
-- connection, or app_sso_domain_verify's definer rights); it trusts its p_org and p_by.
CREATE FUNCTION public.app_sso_domain_mark(p_org uuid, p_domain text, p_by text) RETURNS timestamptz
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_domain text := pg_catalog.lower(pg_catalog.btrim(p_domain));
    v_at timestamptz;
  BEGIN
    IF p_by IS NULL OR p_by NOT IN ('dns', 'operator') THEN
      RAISE EXCEPTION 'unknown verification method' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF public.app_public_mail_domain(v_domain) THEN
      RAISE EXCEPTION 'a public mail domain cannot serve a practice''s sign-in' USING ERRCODE = 'CR008';
    END IF;
    IF EXISTS (SELECT 1 FROM public.org_sso_domains d
                WHERE pg_catalog.lower(d.domain) = v_domain AND d.verified_at IS NOT NULL AND d.org_id <> p_org) THEN
      RAISE EXCEPTION 'that domain is already verified by another practice' USING ERRCODE = 'CR009';
    END IF;
    IF p_by = 'operator' THEN
      INSERT INTO public.org_sso_domains (org_id, domain) VALUES (p_org, v_domain) ON CONFLICT DO NOTHING;
    END IF;
    BEGIN
      UPDATE public.org_sso_domains d
         SET verified_at = coalesce(d.verified_at, pg_catalog.now()),
             verified_by = CASE WHEN p_by = 'operator' THEN 'operator' ELSE coalesce(d.verified_by, 'dns') END,
             last_checked_at = pg_catalog.now()
       WHERE d.org_id = p_org AND d.domain = v_domain
      RETURNING d.verified_at INTO v_at;
    EXCEPTION WHEN unique_violation THEN
      RAISE EXCEPTION 'that domain is already verified by another practice' USING ERRCODE = 'CR009';
    END;
    IF v_at IS NULL THEN
      RAISE EXCEPTION 'the practice has no such domain' USING ERRCODE = 'CR011';
    END IF;
    RETURN v_at;
  END
  $$;--> statement-breakpoint

-- A practice admin's "Check DNS" (admin.settings.verifySsoDomain): the app looked up
-- _careroster-sso.<domain> and passes every TXT value it found; the domain is marked only when one of
-- them is this practice's record (CR010 otherwise). The practice is the session's own (app_org_id),
-- never a parameter. SECURITY DEFINER because the runtime role has no UPDATE on org_sso_domains
-- (nobody sets verified_at by hand) and cannot see other practices' rows to know a domain is taken.
CREATE FUNCTION public.app_sso_domain_verify(p_domain text, p_records text[]) RETURNS timestamptz
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_org uuid := public.app_org_id();
    v_record text;
  BEGIN
    IF v_org IS NULL OR NOT coalesce(public.app_is_admin(), false) THEN
      RAISE EXCEPTION 'only a practice admin verifies its domains' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF public.app_public_mail_domain(p_domain) THEN
      RAISE EXCEPTION 'a public mail domain cannot serve a practice''s sign-in' USING ERRCODE = 'CR008';
    END IF;
    SELECT 'careroster-sso=' || o.sso_verification_token INTO v_record FROM public.organizations o WHERE o.id = v_org;
    IF v_record IS NULL OR NOT (v_record = ANY (coalesce(p_records, '{}'::text[]))) THEN
      RAISE EXCEPTION 'no TXT record holds this practice''s value' USING ERRCODE = 'CR010';
    END IF;
    RETURN public.app_sso_domain_mark(v_org, p_domain, 'dns');
  END
  $$;--> statement-breakpoint

-- ── Re-checking at sign-in ──────────────────────────────────────────────────────────────────
-- A DNS-verified domain keeps its record: when its last check is over an hour old, sign-in looks the
-- record up again before trusting the domain. Operator-verified domains are not re-checked. Both
-- functions are for the sign-in path (careroster_auth), before any context exists, hence SECURITY
-- DEFINER; they can only stamp a check or send a DNS-verified domain back to pending, never verify.
CREATE FUNCTION public.app_sso_domain_recheck_due(p_org uuid, p_domain text) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT EXISTS (SELECT 1 FROM public.org_sso_domains d
                    WHERE d.org_id = p_org AND d.domain = pg_catalog.lower(p_domain) AND d.verified_by = 'dns'
                      AND (d.last_checked_at IS NULL OR d.last_checked_at < pg_catalog.now() - interval '1 hour'))
  $$;--> statement-breakpoint

-- The outcome of that lookup (p_records: every TXT value found, NULL for none): still the practice's
-- record stamps the check and answers true; anything else sends the domain back to pending (the
-- practice's admin proves it again) and answers false, so this sign-in is refused.
CREATE FUNCTION public.app_sso_domain_rechecked(p_org uuid, p_domain text, p_records text[]) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ok boolean;
  BEGIN
    SELECT coalesce(('careroster-sso=' || o.sso_verification_token) = ANY (coalesce(p_records, '{}'::text[])), false)
      INTO v_ok FROM public.organizations o WHERE o.id = p_org;
    UPDATE public.org_sso_domains d
       SET last_checked_at = pg_catalog.now(),
           verified_at = CASE WHEN v_ok THEN d.verified_at END,
           verified_by = CASE WHEN v_ok THEN d.verified_by END
     WHERE d.org_id = p_org AND d.domain = pg_catalog.lower(p_domain) AND d.verified_by = 'dns';
    RETURN FOUND AND coalesce(v_ok, false);
  END
  $$;--> statement-breakpoint

-- ── Sign-in answers only verified domains ───────────────────────────────────────────────────
-- Same signatures as in 0014 (server/auth/sso.ts reads them): `domains` now lists the practice's
-- verified domains only, and a domain finds a practice only once verified (the unique index makes
-- that at most one).
CREATE OR REPLACE FUNCTION public.app_sso_for_domain(p_domain text)
  RETURNS TABLE (org_id uuid, org_name text, org_slug text, issuer text, client_id text, client_secret_enc text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT s.org_id, o.name, o.slug, s.issuer, s.client_id, s.client_secret_enc
      FROM public.org_sso_domains d
      JOIN public.org_sso s ON s.org_id = d.org_id
      JOIN public.organizations o ON o.id = s.org_id
     WHERE pg_catalog.lower(d.domain) = pg_catalog.lower(p_domain) AND d.verified_at IS NOT NULL
     LIMIT 1
  $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.app_sso_by_slug(p_slug text)
  RETURNS TABLE (org_id uuid, org_name text, org_slug text, issuer text, client_id text, client_secret_enc text, domains text[])
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT s.org_id, o.name, o.slug, s.issuer, s.client_id, s.client_secret_enc,
           ARRAY(SELECT d.domain FROM public.org_sso_domains d
                  WHERE d.org_id = s.org_id AND d.verified_at IS NOT NULL ORDER BY d.domain)
      FROM public.org_sso s JOIN public.organizations o ON o.id = s.org_id
     WHERE o.slug = p_slug
  $$;--> statement-breakpoint

-- ── Who may call what ───────────────────────────────────────────────────────────────────────
-- app_sso_domain_mark: the owner only. The runtime role: the pure list (for the CHECK) and the
-- admin's DNS-checked mark. The sign-in path: the re-check pair.
REVOKE ALL ON FUNCTION public.app_public_mail_domain(text), public.app_sso_domain_mark(uuid, text, text),
  public.app_sso_domain_verify(text, text[]), public.app_sso_domain_recheck_due(uuid, text),
  public.app_sso_domain_rechecked(uuid, text, text[]) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_public_mail_domain(text), public.app_sso_domain_verify(text, text[]) TO careroster_runtime;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_sso_domain_recheck_due(uuid, text), public.app_sso_domain_rechecked(uuid, text, text[])
  TO careroster_auth;
