/*
 * FHIR's error answers: an OperationOutcome with the HTTP status. FhirError is what the FHIR code
 * throws; outcomeResponse turns it into the response (server/fhir/http.ts).
 */

/** The issue types (http://hl7.org/fhir/issue-type) the API answers with. */
export type IssueCode =
  | "invalid"
  | "value"
  | "not-supported"
  | "not-found"
  | "login"
  | "forbidden"
  | "exception"
  | "transient"
  | "informational";

export interface Issue {
  severity: "fatal" | "error" | "warning" | "information";
  code: IssueCode;
  diagnostics: string;
  /** The query parameter the issue is about, as R4 names it: `http.<parameter>`. */
  location?: string[];
}

export function operationOutcome(issues: Issue[]) {
  return { resourceType: "OperationOutcome" as const, issue: issues };
}

export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly issues: Issue[],
  ) {
    super(issues.map((i) => i.diagnostics).join(" "));
    this.name = "FhirError";
  }

  static notFound(type: string, id: string): FhirError {
    // The same sentence whether the row does not exist or the caller may not see it.
    return new FhirError(404, [{ severity: "error", code: "not-found", diagnostics: `${type}/${id} is not known.` }]);
  }

  /** 400 naming every bad parameter at once. */
  static badParameters(issues: { param: string; message: string; code?: IssueCode }[]): FhirError {
    return new FhirError(
      400,
      issues.map((i) => ({
        severity: "error",
        code: i.code ?? "value",
        diagnostics: `${i.param}: ${i.message}`,
        location: [`http.${i.param}`],
      })),
    );
  }

  static of(status: number, code: IssueCode, diagnostics: string): FhirError {
    return new FhirError(status, [{ severity: "error", code, diagnostics }]);
  }
}
