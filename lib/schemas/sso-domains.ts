import { z } from "zod";
import { isPublicMailDomain } from "@/lib/public-mail-domains";

/** An email domain a practice's single sign-on may cover: a DNS name, never a public mail provider's. */
export const ssoDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "Enter a domain like example.org (no @, no spaces).",
  )
  .refine(
    (d) => !isPublicMailDomain(d),
    "That is a public mail domain: anyone can have an address there, so it cannot sign in to a practice.",
  );

export const ssoDomainInput = z.object({ domain: ssoDomain });

/** Where a domain stands: waiting for its DNS record, or proven (by the record or by the operator). */
export type SsoDomainStatus = "pending" | "dns" | "operator";
