/** Every page of the admin area. */
export const ADMIN_PAGES = [
  "/admin",
  "/admin/members",
  "/admin/care-team",
  "/admin/patients",
  "/admin/audit",
  "/admin/break-glass",
  "/admin/access",
  "/admin/access-report",
  "/admin/security",
  "/admin/apps",
  "/admin/settings",
] as const;
