/**
 * Mail domains anyone can get an address at: proving one would hand a practice's sign-in to every
 * stranger with a mailbox there, so no practice may claim them. drizzle/0020_sso_domains.sql holds
 * the same list for the database's own refusal (tests/sso/sso-domains.test.ts keeps them equal).
 */
export const PUBLIC_MAIL_DOMAINS: readonly string[] = [
  "aim.com",
  "aol.com",
  "fastmail.com",
  "gmail.com",
  "gmx.com",
  "gmx.de",
  "gmx.net",
  "googlemail.com",
  "hey.com",
  "hotmail.co.uk",
  "hotmail.com",
  "hotmail.fr",
  "hushmail.com",
  "icloud.com",
  "live.com",
  "mac.com",
  "mail.com",
  "mail.ru",
  "me.com",
  "msn.com",
  "outlook.com",
  "pm.me",
  "proton.me",
  "protonmail.com",
  "qq.com",
  "rocketmail.com",
  "tutanota.com",
  "web.de",
  "yahoo.co.uk",
  "yahoo.com",
  "yahoo.fr",
  "yandex.com",
  "yandex.ru",
  "ymail.com",
  "zoho.com",
];

const publicDomains = new Set(PUBLIC_MAIL_DOMAINS);

export const isPublicMailDomain = (domain: string) => publicDomains.has(domain.trim().toLowerCase());
