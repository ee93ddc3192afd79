/** Sentences for the database's refusals (drizzle/0020_sso_domains.sql), shared by the API and the operator command. */
export const SSO_DOMAIN_REFUSALS = {
  CR008: "That is a public mail domain: anyone can have an address there, so it cannot sign in to a practice.",
  CR009: "That domain is already verified by another practice.",
  CR010: "The DNS record does not hold this practice's value.",
  CR011: "That domain is not on this practice's list.",
} as const;
