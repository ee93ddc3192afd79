"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { DataTable } from "@/app/_components/data-table";
import { bound, Field } from "@/app/_components/field";
import { FormMessage } from "@/app/_components/form-message";
import { Options } from "@/app/_components/options";
import { describeError } from "@/lib/forms";
import { IMPORT_LIMITS, type ImportFormat, type ImportRow } from "@/lib/schemas/import";
import { useTRPC } from "@/lib/trpc/client";
import type { RouterOutputs } from "@/server/trpc/types";

type Preview = RouterOutputs["admin"]["import"]["preview"];
type Created = RouterOutputs["admin"]["import"]["batch"]["created"][number];
interface Skipped {
  line: number;
  name: string;
  reason: string;
}
interface Progress {
  sent: number;
  total: number;
  batch: number;
  batches: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
const rowRange = (rows: ImportRow[]) =>
  rows.length === 1 ? `row ${rows[0].line}` : `rows ${rows[0].line}–${rows[rows.length - 1].line}`;
const notSent = (rows: ImportRow[]) => `${rowRange(rows)} ${rows.length === 1 ? "was" : "were"} not sent.`;

/** A FHIR Bundle is JSON; anything else is read as CSV. */
const formatOf = (file: File, text: string): ImportFormat =>
  /\.json$/i.test(file.name) || text.trimStart().startsWith("{") ? "fhir" : "csv";

/**
 * Choose a file → the server's preview (each row's problems) → import the good rows a batch per
 * request, with progress and a cancel between batches → what was created and skipped, and why.
 */
export function ImportRoster({ clinicians }: { clinicians: { id: string; name: string }[] }) {
  const trpc = useTRPC();
  const preview = useMutation(trpc.admin.import.preview.mutationOptions());
  const batch = useMutation(trpc.admin.import.batch.mutationOptions());
  const [fileName, setFileName] = useState<string | null>(null);
  const [result, setResult] = useState<Preview | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [clinicianId, setClinicianId] = useState("");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [done, setDone] = useState<{
    created: Created[];
    skipped: Skipped[];
    failed: string[];
    stopped: string | null;
  } | null>(null);
  const cancel = useRef(false);
  const resultRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (done) resultRef.current?.focus();
  }, [done]);
  const [cancelling, setCancelling] = useState(false);
  const importing = progress !== null && done === null;

  async function choose(file: File | undefined) {
    setResult(null);
    setDone(null);
    setProgress(null);
    setMessage(null);
    setFileName(file?.name ?? null);
    if (!file) return;
    if (file.size > IMPORT_LIMITS.maxBytes) {
      setMessage({
        ok: false,
        text: `The file is larger than ${IMPORT_LIMITS.maxBytes / (1024 * 1024)} MB: split it into smaller files.`,
      });
      return;
    }
    const content = await file.text();
    try {
      setResult(await preview.mutateAsync({ format: formatOf(file, content), content }));
    } catch (e) {
      const { message: text, fields } = describeError(e);
      setMessage({ ok: false, text: fields.content ?? text });
    }
  }

  async function runImport() {
    if (!result) return;
    const rows = result.rows.flatMap((r) => (r.row ? [r.row] : []));
    const batches: ImportRow[][] = [];
    for (let i = 0; i < rows.length; i += IMPORT_LIMITS.batchSize)
      batches.push(rows.slice(i, i + IMPORT_LIMITS.batchSize));
    const names = new Map(result.rows.map((r) => [r.line, r.shown.name]));
    const created: Created[] = [];
    const skipped: Skipped[] = result.rows
      .filter((r) => !r.row)
      .map((r) => ({ line: r.line, name: r.shown.name, reason: r.errors.join("; ") }));
    const failed: string[] = [];
    let stopped: string | null = null;
    cancel.current = false;
    setCancelling(false);
    setMessage(null);
    for (const [i, rowsOfBatch] of batches.entries()) {
      if (cancel.current) {
        stopped = `Cancelled: ${notSent(batches.slice(i).flat())}`;
        break;
      }
      setProgress({ sent: i * IMPORT_LIMITS.batchSize, total: rows.length, batch: i + 1, batches: batches.length });
      try {
        const out = await batch.mutateAsync({
          importId: result.importId,
          clinicianId: clinicianId || null,
          rows: rowsOfBatch,
        });
        created.push(...out.created);
        skipped.push(...out.skipped.map((s) => ({ ...s, name: names.get(s.line) ?? "" })));
      } catch (e) {
        const code = (e as { data?: { code?: string } }).data?.code;
        failed.push(`Not imported, ${rowRange(rowsOfBatch)}: ${describeError(e).message}`);
        // A refused row rolls back its batch only; anything else (signed out, no connection) stops here.
        const rest = batches.slice(i + 1).flat();
        if (code !== "BAD_REQUEST" && code !== "CONFLICT") {
          if (rest.length > 0) stopped = `Stopped: ${notSent(rest)}`;
          break;
        }
      }
    }
    setProgress((p) => p && { ...p, sent: rows.length });
    skipped.sort((a, b) => a.line - b.line);
    setDone({ created, skipped, failed, stopped });
  }

  const ready = result?.ready ?? 0;
  const problems = result ? result.rows.length - ready : 0;
  return (
    <>
      <section className="card" aria-labelledby="import-file">
        <h2 id="import-file">1. Choose the file</h2>
        <div className="filters">
          <Field
            label="Roster file (CSV or FHIR Bundle JSON)"
            name="roster"
            type="file"
            accept=".csv,.json,text/csv,application/json,application/fhir+json"
            disabled={importing || preview.isPending}
            onChange={(e) => void choose((e.target as HTMLInputElement).files?.[0])}
          />
          <Field
            as="select"
            label="Put the imported patients on the care team of"
            name="clinicianId"
            disabled={importing}
            {...bound(clinicianId, setClinicianId)}
          >
            <Options items={clinicians} value={(c) => c.id} label={(c) => c.name} placeholder="No one (assign later)" />
          </Field>
        </div>
        {preview.isPending && (
          <p role="status" className="muted">
            Reading {fileName}…
          </p>
        )}
        <FormMessage message={message} />
      </section>

      {result && (
        <section className="card" aria-labelledby="import-preview">
          <h2 id="import-preview">2. Check the preview</h2>
          <p role="status">
            {fileName}: {plural(result.rows.length, "row")} read as {result.format === "fhir" ? "a FHIR Bundle" : "CSV"}
            , {plural(ready, "row")} ready to import
            {problems > 0 ? `, ${plural(problems, "row")} with a problem (skipped)` : ""}.
          </p>
          <DataTable
            label="Preview"
            className="stacked"
            columns={["Row", "Name", "Birth date", "Sex", "MRN", "Check"]}
            focusable
          >
            {result.rows.map((r) => (
              <tr key={r.line} className={r.row ? undefined : "row-problem"}>
                <td data-label="Row">{r.line}</td>
                <td data-label="Name">{r.shown.name || <span className="muted">(none)</span>}</td>
                <td data-label="Birth date" className="mrn">
                  {r.shown.birthDate}
                </td>
                <td data-label="Sex">{r.shown.sex}</td>
                <td data-label="MRN" className="mrn">
                  {r.shown.mrn || <span className="muted">(generated)</span>}
                </td>
                <td data-label="Check">
                  {r.row ? (
                    <span className="badge ok">ready</span>
                  ) : (
                    <ul className="import-errors">
                      {r.errors.map((e) => (
                        <li key={e}>{e}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
          {!done && (
            <p className="actions">
              <button type="button" disabled={ready === 0 || importing} onClick={() => void runImport()}>
                Import {plural(ready, "patient")}
              </button>
              {importing && (
                <button
                  type="button"
                  className="secondary"
                  disabled={cancelling}
                  onClick={() => {
                    cancel.current = true;
                    setCancelling(true);
                  }}
                >
                  {cancelling ? "Cancelling after this batch…" : "Cancel"}
                </button>
              )}
            </p>
          )}
          {progress && (
            <div className="import-progress">
              <label htmlFor="import-progress">
                {done
                  ? done.stopped
                    ? "Import stopped"
                    : "Import finished"
                  : `Importing batch ${progress.batch} of ${progress.batches} (${progress.batch === progress.batches ? progress.total : progress.batch * IMPORT_LIMITS.batchSize} of ${progress.total} rows)`}
              </label>
              <progress id="import-progress" max={progress.total} value={progress.sent} />
            </div>
          )}
        </section>
      )}

      {done && (
        <section className="card" aria-labelledby="import-result" tabIndex={-1} ref={resultRef}>
          <h2 id="import-result">3. Result</h2>
          <p role="status">
            {plural(done.created.length, "patient")} created, {plural(done.skipped.length, "row")} skipped
            {done.failed.length > 0 ? `, ${plural(done.failed.length, "batch", "batches")} not imported` : ""}.
          </p>
          {done.stopped && <p className="alert">{done.stopped}</p>}
          {done.failed.map((f) => (
            <p key={f} className="alert">
              {f}
            </p>
          ))}
          {done.created.length > 0 && (
            <>
              <h3>Created</h3>
              <DataTable label="Created" columns={["Row", "Name", "MRN"]}>
                {done.created.map((c) => (
                  <tr key={c.id}>
                    <td>{c.line}</td>
                    <td>
                      <Link href={`/patients/${c.id}`}>{c.name}</Link>
                    </td>
                    <td className="mrn">{c.mrn}</td>
                  </tr>
                ))}
              </DataTable>
            </>
          )}
          {done.skipped.length > 0 && (
            <>
              <h3>Skipped</h3>
              <DataTable label="Skipped" className="stacked" columns={["Row", "Name", "Why"]} focusable>
                {done.skipped.map((s) => (
                  <tr key={s.line}>
                    <td data-label="Row">{s.line}</td>
                    <td data-label="Name">{s.name}</td>
                    <td data-label="Why">{s.reason}</td>
                  </tr>
                ))}
              </DataTable>
            </>
          )}
          <p>
            <Link href="/admin/patients">Back to all patients</Link>
          </p>
        </section>
      )}
    </>
  );
}
