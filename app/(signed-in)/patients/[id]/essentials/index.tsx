"use client";

import "./essentials.css";
import { AllergiesCard, AllergyBanner } from "./allergies";
import { ReaderProvider, type ChartReader, type Essentials } from "./kit";
import { MedicationsCard } from "./medications";
import { ProblemsCard } from "./problems";
import { VitalsCard } from "./vitals";

/**
 * What a clinician reads first: the allergy banner, then allergies and problems, medications and
 * vitals. A reader outside the care team (an admin) gets one line instead of four cards that would
 * read "not recorded".
 */
export function ChartEssentials({
  essentials,
  reader,
  clinical,
}: {
  essentials: Essentials;
  reader: ChartReader;
  /** Whether the reader sees clinical content at all. */
  clinical: boolean;
}) {
  return (
    <ReaderProvider value={reader}>
      <AllergyBanner allergies={essentials.allergies} hidden={!clinical} />
      {clinical && (
        <div className="essentials-grid">
          <AllergiesCard allergies={essentials.allergies} />
          <ProblemsCard problems={essentials.problems} />
          <MedicationsCard medications={essentials.medications} />
          <VitalsCard vitals={essentials.vitals} />
        </div>
      )}
    </ReaderProvider>
  );
}
