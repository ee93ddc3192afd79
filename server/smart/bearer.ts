import { SMART_RESOURCES } from "@/lib/smart-scopes";

export type SmartResource = (typeof SMART_RESOURCES)[number];

/** The bearer token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or null. */
export function bearerToken(headers: Headers): string | null {
  const m = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(headers.get("authorization") ?? "");
  return m ? m[1] : null;
}

/**
 * What a token's scopes let it read of a resource type (`r`: read, `s`: search): everything the
 * user may see (`user/…`), only the token's patient's compartment (`patient/…`), or nothing. The
 * policies still decide which rows exist; scopes only take away.
 */
export function scopeReach(scopes: readonly string[], resource: SmartResource, interaction: "r" | "s") {
  const grants = (who: "user" | "patient") =>
    scopes.some((s) => {
      const m = /^(user|patient)\/([A-Za-z*]+)\.([cruds]+)$/.exec(s);
      return m !== null && m[1] === who && (m[2] === "*" || m[2] === resource) && m[3].includes(interaction);
    });
  if (grants("user")) return "user" as const;
  if (grants("patient")) return "patient" as const;
  return "none" as const;
}
