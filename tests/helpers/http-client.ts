/** A minimal HTTP client for the real server: next-auth's CSRF + credentials flow and tRPC calls, cookies by hand. */

export const SESSION_COOKIE = "next-auth.session-token";

function setCookies(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const i = pair.indexOf("=");
    out.set(pair.slice(0, i).trim(), pair.slice(i + 1));
  }
  return out;
}

export const cookieHeader = (cookies: Map<string, string>) => [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");

export interface SignInResult {
  ok: boolean;
  /** next-auth's error code from the redirect (CredentialsSignin, Locked, Suspended), if any. */
  error: string | null;
  /** Where next-auth sends the browser. */
  url: string;
  /** The session cookie (name=value) when signed in. */
  cookie: string | null;
}

/** Signs in through next-auth's credentials callback, as the browser's signIn() does. */
export async function signIn(
  base: string,
  email: string,
  password: string,
  opts: { headers?: Record<string, string>; callbackUrl?: string; totp?: string } = {},
): Promise<SignInResult> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`, { headers: opts.headers });
  const jar = setCookies(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar), ...opts.headers },
    body: new URLSearchParams({
      csrfToken,
      email,
      password,
      ...(opts.totp && { totp: opts.totp }),
      callbackUrl: opts.callbackUrl ?? `${base}/patients`,
      json: "true",
    }),
  });
  const body = res.headers.get("content-type")?.includes("json") ? ((await res.json()) as { url?: string }) : {};
  const url = body.url ?? res.headers.get("location") ?? "";
  const error = new URL(url, base).searchParams.get("error");
  const token = setCookies(res).get(SESSION_COOKIE);
  return { ok: !error && Boolean(token), error, url, cookie: token ? `${SESSION_COOKIE}=${token}` : null };
}

/** Signs out through next-auth (the browser's signOut()); answers where it redirects. */
export async function signOut(
  base: string,
  cookie: string,
  callbackUrl?: string,
): Promise<{ url: string; cleared: boolean }> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`, { headers: { cookie } });
  const jar = setCookies(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${cookie}; ${cookieHeader(jar)}` },
    body: new URLSearchParams({ csrfToken, callbackUrl: callbackUrl ?? `${base}/login`, json: "true" }),
  });
  const body = res.headers.get("content-type")?.includes("json") ? ((await res.json()) as { url?: string }) : {};
  return { url: body.url ?? res.headers.get("location") ?? "", cleared: setCookies(res).get(SESSION_COOKIE) === "" };
}

/** GET /api/auth/session: the session JSON and whether a (renewed) session cookie came back. */
export async function authSession(
  base: string,
  cookie: string,
): Promise<{ body: Record<string, unknown>; reissued: boolean }> {
  const res = await fetch(`${base}/api/auth/session`, { headers: { cookie } });
  const token = setCookies(res).get(SESSION_COOKIE);
  return { body: (await res.json()) as Record<string, unknown>, reissued: Boolean(token) };
}

export interface TrpcAnswer {
  status: number;
  code: string | null;
  message: string | null;
  data: unknown;
}

/** A tRPC answer from its HTTP status and body text. */
export function parseAnswer(status: number, text: string): TrpcAnswer {
  const body = JSON.parse(text) as {
    result?: { data: { json: unknown } };
    error?: { json: { message: string; data: { code: string } } };
  };
  return {
    status,
    code: body.error?.json.data.code ?? null,
    message: body.error?.json.message ?? null,
    data: body.result?.data.json,
  };
}

const answer = async (res: Response): Promise<TrpcAnswer> => parseAnswer(res.status, await res.text());

export async function trpcQuery(
  base: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<TrpcAnswer> {
  const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return answer(await fetch(`${base}/api/trpc/${path}${q}`, { headers }));
}

export async function trpcMutation(
  base: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<TrpcAnswer> {
  return answer(
    await fetch(`${base}/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ json: input ?? null }),
    }),
  );
}
