/** What the resource mappers share: references and codings, spelled once. */

export type ResourceType = "Patient" | "Practitioner" | "Appointment" | "DocumentReference";

export const reference = (type: ResourceType, id: string, display?: string) => ({
  reference: `${type}/${id}`,
  ...(display && { display }),
});

export const coding = (system: string, code: string, display?: string) => ({
  system,
  code,
  ...(display && { display }),
});

/** Meta of a row: its version (when the row keeps one) and when it last changed. */
export const meta = (lastUpdated: Date, version?: number) => ({
  ...(version !== undefined && { versionId: String(version) }),
  lastUpdated: lastUpdated.toISOString(),
});
