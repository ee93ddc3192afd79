import postgres from "postgres";

/**
 * A connection for seeds and maintenance that works as careroster_owner, whoever logs in (the
 * embedded superuser, or a DBA's migrating login): what it creates is owned by the owner role,
 * never by a superuser. `role` in the startup packet is the same as `SET ROLE` on connect.
 */
export function ownerConnection(url: string, max = 1) {
  return postgres(url, { max, onnotice: () => {}, connection: { role: "careroster_owner" } as Record<string, string> });
}
