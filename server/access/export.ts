import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import { BASIS_LABEL, type AccessRow } from "./report";

/**
 * CSV for spreadsheets: every cell quoted (RFC 4180), and a cell starting with = + - @ tab or CR
 * gets a leading apostrophe so no spreadsheet runs it as a formula.
 */
export function csvCellQuoted(value: unknown): string {
  let s = value instanceof Date ? value.toISOString() : value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export const CSV_COLUMNS = [
  "time (UTC)",
  "who",
  "role",
  "what",
  "basis",
  "emergency reason",
  "reviewed at (UTC)",
  "reviewed by",
  "review comment",
  "times",
  "last time (UTC)",
  "emergency ended at (UTC)",
  "emergency ended by",
] as const;

const endedBy = (e: NonNullable<AccessRow["emergency"]>["ended"]) =>
  !e ? "" : e.by === "clinician" ? "the clinician" : `an admin: ${e.name ?? "a former member"}`;

export function accessReportCsv(rows: AccessRow[]): string {
  const line = (cells: unknown[]) => cells.map(csvCellQuoted).join(",") + "\r\n";
  return (
    line([...CSV_COLUMNS]) +
    rows
      .map((r) =>
        line([
          r.at,
          r.actorName ?? r.actorId,
          r.role,
          r.what,
          r.basis ? BASIS_LABEL[r.basis] : "",
          r.emergency?.reason,
          r.emergency?.reviewedAt,
          r.emergency?.reviewerName,
          r.emergency?.comment,
          r.count,
          r.until,
          r.emergency?.ended?.at,
          endedBy(r.emergency?.ended ?? null),
        ]),
      )
      .join("")
  );
}

export interface ReportHeader {
  practice: string;
  patientName: string;
  mrn: string;
  birthDate: string;
  from: string;
  to: string;
  generatedAt: Date;
  generatedBy: string;
}

const utc = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";

/**
 * A printable A4 report with pdf-lib's built-in standard fonts (nothing fetched or embedded from
 * disk). Helvetica speaks WinAnsi only: other characters print as "?".
 */
export async function accessReportPdf(header: ReportHeader, rows: AccessRow[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Access report: ${header.patientName}`);
  doc.setProducer("CareRoster");
  doc.setCreationDate(header.generatedAt);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const safe = (s: string) => [...s].map((c) => (/^[\x20-\x7e\xa0-\xff]$/.test(c) ? c : "?")).join("");
  const fit = (s: string, f: PDFFont, size: number, width: number) => {
    let t = safe(s);
    while (t.length > 1 && f.widthOfTextAtSize(t, size) > width) t = t.slice(0, -1);
    return t;
  };
  const wrap = (s: string, f: PDFFont, size: number, width: number) => {
    const out: string[] = [];
    let cur = "";
    for (const word of safe(s).split(/\s+/)) {
      const next = cur ? `${cur} ${word}` : word;
      if (f.widthOfTextAtSize(next, size) > width && cur) {
        out.push(cur);
        cur = word;
      } else cur = next;
    }
    if (cur) out.push(cur);
    return out;
  };

  const W = 595.28,
    H = 841.89,
    M = 40;
  const cols = [
    { title: "When (UTC)", x: M, w: 100 },
    { title: "Who", x: M + 104, w: 104 },
    { title: "Role", x: M + 212, w: 50 },
    { title: "What", x: M + 266, w: 150 },
    { title: "Basis", x: M + 420, w: 95 },
  ];
  let page: PDFPage = doc.addPage([W, H]);
  let y = H - M;
  const text = (p: PDFPage, s: string, x: number, yy: number, size = 9, f = font, color = rgb(0.1, 0.12, 0.16)) =>
    p.drawText(safe(s), { x, y: yy, size, font: f, color });
  const tableHead = () => {
    page.drawRectangle({ x: M - 4, y: y - 4, width: W - 2 * M + 8, height: 16, color: rgb(0.92, 0.94, 0.97) });
    for (const c of cols) text(page, c.title, c.x, y, 9, bold);
    y -= 18;
  };

  text(page, "Accounting of access to a patient record", M, y, 16, bold);
  y -= 22;
  for (const line of [
    `${header.practice}`,
    `Patient: ${header.patientName}  ·  MRN ${header.mrn}  ·  born ${header.birthDate}`.replace(/·/g, "-"),
    `Period: ${header.from} to ${header.to} (whole days in the practice's time zone)`,
    `Generated ${utc(header.generatedAt)} by ${header.generatedBy}. ${rows.length} access${rows.length === 1 ? "" : "es"}.`,
    "Basis is recorded by the database at the moment of each access. Emergency accesses are shaded, with reason and review.",
  ]) {
    for (const l of wrap(line, font, 10, W - 2 * M)) {
      text(page, l, M, y, 10);
      y -= 14;
    }
  }
  y -= 8;
  tableHead();
  if (rows.length === 0) text(page, "No access to this record in the period.", M, y, 10);

  for (const r of rows) {
    // A summarised line of list-page views keeps its full wording below the row.
    const summary = r.count > 1 ? wrap(r.what, font, 8, W - 2 * M - 108) : [];
    const emergency = r.emergency
      ? wrap(
          `Emergency reason: ${r.emergency.reason}. ${r.emergency.ended ? `${r.emergency.ended.by === "clinician" ? "Ended early by the clinician" : `Revoked by an admin (${r.emergency.ended.name ?? "a former member"})`} ${utc(r.emergency.ended.at)}. ` : ""}${r.emergency.reviewedAt ? `Reviewed ${utc(r.emergency.reviewedAt)} by ${r.emergency.reviewerName ?? "an admin"}${r.emergency.comment ? `: ${r.emergency.comment}` : ""}` : "Not reviewed yet."}`,
          font,
          8,
          W - 2 * M - 108,
        )
      : [];
    const extra = [...summary, ...emergency];
    const height = 14 + extra.length * 11;
    if (y - height < M + 20) {
      page = doc.addPage([W, H]);
      y = H - M;
      tableHead();
    }
    if (r.emergency || r.basis === "break_glass") {
      page.drawRectangle({
        x: M - 4,
        y: y - height + 10,
        width: W - 2 * M + 8,
        height,
        color: rgb(1, 0.95, 0.85),
        borderColor: rgb(0.86, 0.41, 0.01),
        borderWidth: 0.8,
      });
    }
    const cells = [
      utc(r.at).replace(" UTC", ""),
      r.actorName ?? r.actorId,
      r.role ?? "",
      r.count > 1 ? `${r.count} list-page views` : r.what,
      r.basis ? BASIS_LABEL[r.basis] : "-",
    ];
    cells.forEach((c, i) =>
      text(page, fit(c, font, 9, cols[i].w), cols[i].x, y, 9, i === 4 && r.basis === "break_glass" ? bold : font),
    );
    y -= 12;
    for (const l of extra) {
      text(page, l, M + 104, y, 8, font, r.emergency ? rgb(0.48, 0.18, 0.05) : rgb(0.36, 0.4, 0.47));
      y -= 11;
    }
    y -= 2;
    page.drawLine({
      start: { x: M - 4, y: y + 6 },
      end: { x: W - M + 4, y: y + 6 },
      thickness: 0.3,
      color: rgb(0.85, 0.87, 0.9),
    });
  }
  const pages = doc.getPages();
  pages.forEach((p, i) =>
    text(
      p,
      `CareRoster access report - ${safe(header.patientName)} - page ${i + 1} of ${pages.length}`,
      M,
      22,
      8,
      font,
      rgb(0.36, 0.4, 0.47),
    ),
  );
  return doc.save();
}
