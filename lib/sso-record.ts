/** The DNS TXT record that proves a practice controls an email domain: its name and the value it must hold. */
export const ssoRecordName = (domain: string) => `_careroster-sso.${domain}`;

export const ssoRecordValue = (token: string) => `careroster-sso=${token}`;
