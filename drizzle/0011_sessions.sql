CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"user_agent" text
);
--> statement-breakpoint
ALTER TABLE "sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id","last_seen_at");--> statement-breakpoint
CREATE POLICY "sessions_select" ON "sessions" AS PERMISSIVE FOR SELECT TO "careroster_runtime" USING ("sessions"."user_id" = (select app_user_id()) or ((select app_is_admin()) and user_id in (select m.user_id from memberships m where m.org_id = (select app_org_id()) and m.status = 'active')));--> statement-breakpoint
CREATE POLICY "sessions_insert" ON "sessions" AS PERMISSIVE FOR INSERT TO "careroster_runtime" WITH CHECK ("sessions"."user_id" = (select app_user_id()) and "sessions"."revoked_at" is null);--> statement-breakpoint
CREATE POLICY "sessions_update" ON "sessions" AS PERMISSIVE FOR UPDATE TO "careroster_runtime" USING ("sessions"."user_id" = (select app_user_id()) or ((select app_is_admin()) and user_id in (select m.user_id from memberships m where m.org_id = (select app_org_id()) and m.status = 'active'))) WITH CHECK ("sessions"."revoked_at" is not null and ("sessions"."user_id" = (select app_user_id()) or ((select app_is_admin()) and user_id in (select m.user_id from memberships m where m.org_id = (select app_org_id()) and m.status = 'active'))));--> statement-breakpoint

-- ── Hand-written: revocable sessions ────────────────────────────────────────────────────────
-- FORCE: the owner's own (invoker) statements obey the policies too; BYPASSRLS roles are exempt.
ALTER TABLE public.sessions FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Read own (and, for an admin, active members'); start a session for oneself; end one. Nothing else:
-- no DELETE, and only revoked_at may change (last_seen_at moves only through app_session_live()).
GRANT SELECT ON public.sessions TO careroster_runtime;--> statement-breakpoint
GRANT INSERT (user_id, user_agent) ON public.sessions TO careroster_runtime;--> statement-breakpoint
GRANT UPDATE (revoked_at) ON public.sessions TO careroster_runtime;--> statement-breakpoint

-- An ended session stays ended, whoever asks (the update policy's WITH CHECK already refuses
-- setting revoked_at back to NULL; this also refuses moving the time of an ended one).
CREATE OR REPLACE FUNCTION public.app_sessions_keep_revoked() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
      RAISE EXCEPTION 'an ended session cannot be reopened' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER sessions_keep_revoked BEFORE UPDATE ON public.sessions FOR EACH ROW EXECUTE FUNCTION public.app_sessions_keep_revoked();--> statement-breakpoint

-- The session check of every request, called by the context statement (server/db/context.ts)
-- BEFORE the identity is set: true only for a session of exactly this user that has not ended.
-- It also records activity, at most once a minute per session, skipping a row another request
-- of the same session holds (no request ever waits here). SECURITY DEFINER because no context
-- exists yet, so the sessions policies would show nothing; it answers a boolean and touches one
-- row by primary key.
CREATE OR REPLACE FUNCTION public.app_session_live(p_session uuid, p_user uuid) RETURNS boolean
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    WITH touched AS (
      UPDATE public.sessions s SET last_seen_at = pg_catalog.now()
      FROM (SELECT d.id FROM public.sessions d
            WHERE d.id = p_session AND d.user_id = p_user AND d.revoked_at IS NULL
              AND d.last_seen_at < pg_catalog.now() - interval '1 minute'
            FOR UPDATE SKIP LOCKED) due
      WHERE s.id = due.id
      RETURNING s.id
    )
    SELECT EXISTS (SELECT 1 FROM public.sessions s WHERE s.id = p_session AND s.user_id = p_user AND s.revoked_at IS NULL)
  $$;--> statement-breakpoint

-- Suspending a member ends their sessions. SECURITY DEFINER because the admin's update policy on
-- sessions covers active members only, which the member stops being in this very statement.
-- (Their next request already reads nothing through app_org_id(); this also ends the session.)
CREATE OR REPLACE FUNCTION public.app_memberships_end_sessions() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    UPDATE public.sessions SET revoked_at = pg_catalog.now() WHERE user_id = NEW.user_id AND revoked_at IS NULL;
    RETURN NULL;
  END
  $$;--> statement-breakpoint
CREATE TRIGGER memberships_suspend_ends_sessions AFTER UPDATE OF status ON public.memberships FOR EACH ROW
  WHEN (NEW.status = 'suspended' AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION public.app_memberships_end_sessions();--> statement-breakpoint

-- ── Hand-written: throttling that counts first ──────────────────────────────────────────────
-- Claims one attempt under every key (sign-in: account and client address; password change:
-- account; directory: user) BEFORE the slow check runs. A transaction-level advisory lock per
-- key, taken in one fixed order (no deadlock between callers sharing keys), serialises callers of
-- the same key; each then counts in a fresh snapshot, so a parallel burst cannot pass the limit.
-- Answers the ids of the recorded rows (to forgive on success), or NULL when a key is at its
-- limit (then nothing is recorded). Keys are hashes made by the app. SECURITY DEFINER because the
-- runtime role has no access to login_attempts at all (its policy is "nothing").
CREATE OR REPLACE FUNCTION public.app_throttle_claim(p_keys text[], p_limits integer[], p_window interval) RETURNS bigint[]
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    ids bigint[];
  BEGIN
    IF pg_catalog.cardinality(p_keys) IS DISTINCT FROM pg_catalog.cardinality(p_limits) OR pg_catalog.cardinality(p_keys) = 0 THEN
      RAISE EXCEPTION 'one limit per key' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(k.key, 0))
      FROM (SELECT DISTINCT u.key FROM pg_catalog.unnest(p_keys) AS u(key) ORDER BY u.key) k;
    IF EXISTS (
      SELECT 1 FROM ROWS FROM (pg_catalog.unnest(p_keys), pg_catalog.unnest(p_limits)) AS l(key, lim)
      WHERE (SELECT pg_catalog.count(*) FROM public.login_attempts a
             WHERE a.key_hash = l.key AND a.at > pg_catalog.now() - p_window) >= l.lim
    ) THEN
      RETURN NULL;
    END IF;
    DELETE FROM public.login_attempts a WHERE a.at < pg_catalog.now() - interval '1 day';
    WITH ins AS (
      INSERT INTO public.login_attempts (key_hash) SELECT u.key FROM pg_catalog.unnest(p_keys) AS u(key) RETURNING id
    )
    SELECT pg_catalog.array_agg(ins.id) INTO ids FROM ins;
    RETURN ids;
  END
  $$;--> statement-breakpoint

-- A successful check forgives: removes this attempt's own rows, and every row of the keys in
-- p_clear_keys (the account's earlier failures, as before). Same reason for SECURITY DEFINER.
CREATE OR REPLACE FUNCTION public.app_throttle_forgive(p_ids bigint[], p_clear_keys text[]) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    DELETE FROM public.login_attempts a WHERE a.id = ANY (p_ids) OR a.key_hash = ANY (p_clear_keys)
  $$;--> statement-breakpoint

REVOKE ALL ON FUNCTION public.app_sessions_keep_revoked(), public.app_session_live(uuid, uuid), public.app_memberships_end_sessions(),
  public.app_throttle_claim(text[], integer[], interval), public.app_throttle_forgive(bigint[], text[]) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_session_live(uuid, uuid), public.app_throttle_claim(text[], integer[], interval),
  public.app_throttle_forgive(bigint[], text[]) TO careroster_runtime;
--> statement-breakpoint

-- Replaced by app_throttle_claim/app_throttle_forgive (sign-in, password change, password reset).
DROP FUNCTION public.app_login_failures(text[], interval), public.app_login_record_failure(text[]), public.app_login_clear(text);
