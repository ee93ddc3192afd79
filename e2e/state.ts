/** Storage state files written by auth.setup.ts. */
export const as = {
  grey: ".auth/grey-northside.json",
  shepherd: ".auth/shepherd-northside.json",
  locum: ".auth/locum-careroster.json",
  northAdmin: ".auth/admin-northside.json",
} as const;
