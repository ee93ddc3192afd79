import { formatDate } from "@/lib/time";

export type NamedRecord = { givenName: string; familyName: string; mrn: string; birthDate: string };

/** How a confirmation names a chart, so two namesakes cannot be confused: "Ada Applegate, MRN NS-000012, born 1 Jan 1940". */
export const recordLabel = (p: NamedRecord) =>
  `${p.givenName} ${p.familyName}, MRN ${p.mrn}, born ${formatDate(p.birthDate)}`;
