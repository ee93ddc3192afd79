-- A password reset is a credential: whoever can create a reset row with a token they know, and then
-- complete it, sets the account's password. The functions take the token's hash from the caller,
-- so with the runtime role's credentials alone anyone could reset anyone. They move to the sign-in
-- path's own login (careroster_auth), whose credentials the runtime role's holder does not have.
REVOKE EXECUTE ON FUNCTION public.app_password_reset_request(text, text, text), public.app_password_reset_preview(text),
  public.app_password_reset_complete(text, text, text) FROM careroster_runtime;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_password_reset_request(text, text, text), public.app_password_reset_preview(text),
  public.app_password_reset_complete(text, text, text) TO careroster_auth;
