/** The loopback port of the journeys' DNS server: the app asks it (CAREROSTER_DNS_SERVER), the SSO journey answers on it. */
export const E2E_DNS_PORT = Number(process.env.E2E_DNS_PORT ?? 3153);
