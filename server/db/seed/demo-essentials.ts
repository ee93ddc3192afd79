import type { Tx } from "@/server/db/client";
import * as schema from "@/server/db/schema";

type Patient = { id: string; orgId: string };

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
const dayOf = (d: number) => daysAgo(d).toISOString().slice(0, 10);

/**
 * A few invented essentials on Dr Grey's first patients, so the demo chart is not empty: the first
 * has an allergy, problems, medications and a year of vitals; the second "no known allergies"; the
 * third nothing at all ("Allergies not recorded"). Every text says it is demo data.
 */
export async function seedDemoEssentials(tx: Tx, greyId: string, first: Patient, second: Patient) {
  const by = { recordedBy: greyId };
  const at = (p: Patient, d: number) => ({ orgId: p.orgId, patientId: p.id, ...by, recordedAt: daysAgo(d) });
  await tx.insert(schema.allergies).values([
    {
      ...at(first, 300),
      kind: "allergy",
      substance: "Penicillin (demo)",
      reaction: "Hives",
      severity: "moderate",
      criticality: "high",
    },
    { ...at(first, 120), kind: "allergy", substance: "Peanut (demo)", reaction: "Itchy mouth", severity: "mild" },
    { ...at(second, 200), kind: "no_known_allergies" },
  ]);
  await tx.insert(schema.conditions).values([
    {
      ...at(first, 320),
      text: "Essential hypertension (demo)",
      codeSystem: "icd-10",
      code: "I10",
      onsetOn: dayOf(400),
    },
    { ...at(first, 90), text: "Seasonal allergic rhinitis (demo)", onsetOn: dayOf(110), resolvedOn: dayOf(60) },
    {
      ...at(second, 150),
      text: "Type 2 diabetes mellitus (demo)",
      codeSystem: "icd-10",
      code: "E11.9",
      onsetOn: dayOf(700),
    },
  ]);
  await tx.insert(schema.medicationStatements).values([
    {
      ...at(first, 320),
      name: "Amlodipine (demo)",
      dose: "5 mg",
      frequency: "once daily",
      route: "oral",
      startedOn: dayOf(320),
    },
    {
      ...at(first, 100),
      name: "Cetirizine (demo)",
      dose: "10 mg",
      frequency: "once daily as needed",
      route: "oral",
      startedOn: dayOf(100),
      stoppedOn: dayOf(60),
      stopReason: "Symptoms settled",
    },
    {
      ...at(second, 150),
      name: "Metformin (demo)",
      dose: "500 mg",
      frequency: "twice daily",
      route: "oral",
      startedOn: dayOf(150),
    },
  ]);
  // Five visits' vitals over the year, blood pressure coming down on treatment.
  const visits = [
    { d: 330, sys: 162, dia: 98, pulse: 84, temp: 36.8, kg: 84.2 },
    { d: 250, sys: 150, dia: 94, pulse: 80, temp: 36.6, kg: 83.5 },
    { d: 170, sys: 142, dia: 90, pulse: 78, temp: 37.1, kg: 82.9 },
    { d: 90, sys: 136, dia: 86, pulse: 74, temp: 36.7, kg: 82.0 },
    { d: 20, sys: 128, dia: 82, pulse: 72, temp: 36.9, kg: 81.4 },
  ];
  await tx.insert(schema.vitalSigns).values(
    visits.flatMap((v, i) => {
      const base = { ...at(first, v.d), effectiveAt: daysAgo(v.d) };
      return [
        { ...base, kind: "blood_pressure" as const, value: v.sys, diastolic: v.dia },
        { ...base, kind: "heart_rate" as const, value: v.pulse },
        { ...base, kind: "body_temperature" as const, value: v.temp },
        { ...base, kind: "body_weight" as const, value: v.kg },
        ...(i === 0 ? [{ ...base, kind: "body_height" as const, value: 171 }] : []),
      ];
    }),
  );
}
