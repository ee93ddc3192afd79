import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/**
 * A real OpenID provider for the journeys: `oidc-provider` (certified implementation) on a free
 * loopback port, with one static confidential client for CareRoster and its development login
 * pages (any login name; the account's claims come from `accounts`). Used as a practice's IdP.
 */
export const IDP_CLIENT_ID = "careroster-e2e";
export const IDP_CLIENT_SECRET = "e2e-idp-client-secret-0123456789abcdef";

const accounts: Record<string, { email: string; email_verified: boolean; name: string }> = {
  grey: { email: "grey@northside.test", email_verified: true, name: "Dr. Meredith Grey" },
  unverified: { email: "shepherd@northside.test", email_verified: false, name: "Dr. Derek Shepherd" },
  house: { email: "house@lakeside.test", email_verified: true, name: "Dr. Gregory House" },
  locum: { email: "locum@careroster.test", email_verified: true, name: "Dr. Lee Locum" },
};

export async function startIdp(redirectUri: string): Promise<{ issuer: string; close: () => Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: IDP_CLIENT_ID,
        client_secret: IDP_CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // The claims in the id_token itself (as Google and Entra ID send email there).
    conformIdTokenClaims: false,
    cookies: { keys: ["e2e-idp-cookie-signing-key-0123456789"] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = accounts[id];
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...(account ?? { email: `${id}@example.invalid`, email_verified: false, name: id }) };
        },
      };
    },
  });
  server.on("request", provider.callback());
  return { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
