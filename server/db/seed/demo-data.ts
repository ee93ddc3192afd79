/**
 * The demo practices. Every name, MRN, phone and email is invented and marked as such
 * (example.test, 555-01xx numbers, DEMO- MRNs). Tests derive their expectations from here.
 */
export const DEMO_PASSWORD = "demo-password";
/** Every demo account's TOTP secret (base32, DESIGN.md section 6): documented so a person or script can compute codes. */
export const DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP";

export type DemoUserKey = "northAdmin" | "grey" | "shepherd" | "lakeAdmin" | "house" | "locum";
export type DemoOrgKey = "northside" | "lakeside";

export const demoOrgs: Record<DemoOrgKey, { name: string; slug: string }> = {
  northside: { name: "Northside Family Clinic", slug: "northside" },
  lakeside: { name: "Lakeside Pediatrics", slug: "lakeside" },
};

export const demoUsers: Record<
  DemoUserKey,
  { email: string; name: string; memberships: { org: DemoOrgKey; role: "admin" | "clinician" }[] }
> = {
  northAdmin: { email: "admin@northside.test", name: "Nora Admin", memberships: [{ org: "northside", role: "admin" }] },
  grey: {
    email: "grey@northside.test",
    name: "Dr. Meredith Grey",
    memberships: [{ org: "northside", role: "clinician" }],
  },
  shepherd: {
    email: "shepherd@northside.test",
    name: "Dr. Derek Shepherd",
    memberships: [{ org: "northside", role: "clinician" }],
  },
  lakeAdmin: { email: "admin@lakeside.test", name: "Lars Admin", memberships: [{ org: "lakeside", role: "admin" }] },
  house: {
    email: "house@lakeside.test",
    name: "Dr. Gregory House",
    memberships: [{ org: "lakeside", role: "clinician" }],
  },
  locum: {
    email: "locum@careroster.test",
    name: "Dr. Lee Locum",
    memberships: [
      { org: "northside", role: "clinician" },
      { org: "lakeside", role: "clinician" },
    ],
  },
};

export interface DemoPatient {
  org: DemoOrgKey;
  mrn: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: "female" | "male" | "other" | "unknown";
  team: DemoUserKey[];
}

// Each practice has its own names (no family name in both), so whoever checks isolation by eye
// can tell a leak from a namesake.
const names: Record<DemoOrgKey, { given: string[]; family: string[] }> = {
  northside: {
    given: [
      "Ada",
      "Basil",
      "Cleo",
      "Dorian",
      "Edie",
      "Felix",
      "Greta",
      "Hugo",
      "Iris",
      "Jasper",
      "Kit",
      "Luna",
      "Milo",
      "Nell",
      "Otto",
      "Pia",
      "Rufus",
      "Sunny",
      "Tilda",
      "Vance",
    ],
    family: [
      "Applegate",
      "Birchwood",
      "Copperfield",
      "Dandelion",
      "Elderberry",
      "Fernhill",
      "Gooseberry",
      "Hollyhock",
      "Ironwood",
      "Juniper",
      "Kettlewell",
      "Larkspur",
      "Marigold",
      "Nettlefield",
      "Oakhurst",
      "Primrose",
      "Quillfeather",
      "Rosehip",
      "Sorrel",
      "Thistledown",
    ],
  },
  lakeside: {
    given: ["Wren", "Yara", "Zeno", "Bram", "Coral", "Dax", "Elsa", "Finn", "Gwen", "Hal", "Ivy", "Jonah"],
    family: [
      "Ashdown",
      "Bramblecote",
      "Cloverdale",
      "Driftwood",
      "Eastmere",
      "Foxglove",
      "Glenmore",
      "Heatherly",
      "Inglenook",
      "Jessamine",
      "Kingfisher",
      "Lindenbrook",
    ],
  },
};
const sexes = ["female", "male", "other", "unknown"] as const;

function group(org: DemoOrgKey, team: DemoUserKey[], count: number, start: number): DemoPatient[] {
  const { given, family } = names[org];
  return Array.from({ length: count }, (_, k) => {
    const i = start + k;
    return {
      org,
      mrn: `DEMO-${org === "northside" ? "N" : "L"}-${String(i + 1).padStart(4, "0")}`,
      givenName: given[i % given.length],
      familyName: family[(i * 7) % family.length] + (i >= family.length ? "-Demo" : ""),
      birthDate: `${1940 + ((i * 13) % 75)}-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 27) + 1).padStart(2, "0")}`,
      sex: sexes[i % sexes.length],
      team,
    };
  });
}

// Northside: grey has 14 of her own (enough to page), shares 3 with shepherd, who has 5 more;
// locum has 2; 3 are on no care team (only the admin sees them).
// Lakeside: house has 8, locum 2, and 2 are unassigned.
export const demoPatients: DemoPatient[] = [
  ...group("northside", ["grey"], 14, 0),
  ...group("northside", ["grey", "shepherd"], 3, 14),
  ...group("northside", ["shepherd"], 5, 17),
  ...group("northside", ["locum"], 2, 22),
  ...group("northside", [], 3, 24),
  ...group("lakeside", ["house"], 8, 0),
  ...group("lakeside", ["locum"], 2, 8),
  ...group("lakeside", [], 2, 10),
];

export const fullName = (p: Pick<DemoPatient, "givenName" | "familyName">) => `${p.givenName} ${p.familyName}`;

/**
 * Cover active in the demo (seeded starting now, for 14 days): Dr House covers Dr Locum at
 * Lakeside, so House also sees Locum's Lakeside patients. Northside has none, so the
 * coverage journey (shepherd covers grey) starts from a clean slate.
 */
export const demoCoverage: {
  org: DemoOrgKey;
  covering: DemoUserKey;
  covered: DemoUserKey;
  createdBy: DemoUserKey;
  reason: string;
}[] = [
  {
    org: "lakeside",
    covering: "house",
    covered: "locum",
    createdBy: "lakeAdmin",
    reason: "Dr Locum on leave (demo cover)",
  },
];

/** The demo patients `user` sees as a clinician in `org`: their care team, plus the panels they cover. */
export const demoPanel = (user: DemoUserKey, org: DemoOrgKey) => {
  const covered = demoCoverage.filter((c) => c.org === org && c.covering === user).map((c) => c.covered);
  return demoPatients.filter((p) => p.org === org && p.team.some((u) => u === user || covered.includes(u)));
};
