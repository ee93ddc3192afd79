-- A membership is made only with its user's consent: by accepting an invitation (the
-- app_invitation_accept_* definer functions, as the owner). An admin's own SQL on the runtime
-- login could otherwise attach any existing account, another practice's clinician included, to
-- their practice; so the runtime role may not insert memberships at all, and the policy that
-- allowed admins to is gone. Admins still change a member's role and status (memberships_update).
DROP POLICY "memberships_insert" ON "memberships";--> statement-breakpoint
REVOKE INSERT ON public.memberships FROM careroster_runtime;
