import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { SMART_SCOPES } from "@/lib/smart-scopes";
import { env } from "@/server/env";
import { SMART_PATHS } from "@/server/fhir/capability";
import { appUrl } from "@/server/mail";

/** How long an access token acts: short, so a revocation that is not checked live still ends soon (every request checks anyway). */
export const ACCESS_TOKEN_SECONDS = 10 * 60;
/** A refresh token (only with offline_access) is spent on use; each new one lasts this long. */
export const REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;
/** The id_token's lifetime (it only tells the app who signed in). */
export const ID_TOKEN_SECONDS = 3600;

/** The SMART App Launch v2 discovery document (served at /.well-known/smart-configuration and under /fhir). */
export function smartConfiguration() {
  const base = appUrl();
  return {
    issuer: base,
    jwks_uri: `${base}/api/smart/jwks`,
    authorization_endpoint: `${base}${SMART_PATHS.authorize}`,
    token_endpoint: `${base}${SMART_PATHS.token}`,
    revocation_endpoint: `${base}${SMART_PATHS.revoke}`,
    grant_types_supported: ["authorization_code", "refresh_token"],
    response_types_supported: ["code"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    scopes_supported: SMART_SCOPES,
    code_challenge_methods_supported: ["S256"],
    id_token_signing_alg_values_supported: ["ES256"],
    capabilities: [
      "launch-standalone",
      "client-public",
      "client-confidential-symmetric",
      "context-standalone-patient",
      "permission-offline",
      "permission-patient",
      "permission-user",
      "permission-v1",
      "permission-v2",
      "sso-openid-connect",
    ],
  };
}

// The id_token signing key: an ES256 key pair generated once into the data directory (0600), like
// the auth secret, and shared by every instance that shares the directory.
let signingKey: Promise<{ privateKey: CryptoKey; publicJwk: JWK }> | undefined;

async function loadOrCreateKey(): Promise<JWK> {
  const file = path.join(env().CAREROSTER_DATA_DIR ?? path.join(process.cwd(), ".data"), "smart-signing-key.json");
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), alg: "ES256", use: "sig" };
    await mkdir(path.dirname(file), { recursive: true });
    // wx: when two processes race, the first key written wins and both read it back.
    await writeFile(file, JSON.stringify(jwk), { mode: 0o600, flag: "wx" }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw err;
    });
  }
  return JSON.parse(await readFile(file, "utf8")) as JWK;
}

export function idTokenKey() {
  signingKey ??= (async () => {
    const jwk = await loadOrCreateKey();
    const { d: _private, ...pub } = jwk;
    const kid = `${pub.x?.slice(0, 16)}`;
    return {
      privateKey: (await importJWK({ ...jwk, kid }, "ES256")) as CryptoKey,
      publicJwk: { ...pub, kid, alg: "ES256", use: "sig" },
    };
  })().catch((err: unknown) => {
    // A failed read (a full disk, a race) is tried again on the next token, not remembered.
    signingKey = undefined;
    throw err;
  });
  return signingKey;
}
