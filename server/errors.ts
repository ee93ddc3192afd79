import { APP_ERRORS, type ApiStatus, type AppCode } from "@/lib/app-errors";

/**
 * What domain code throws when a request cannot be answered: the API status and the sentence a
 * person reads, plus a code when the UI acts on it. Mapped to tRPC once (server/trpc/errors.ts).
 */
export class AppError extends Error {
  constructor(
    readonly status: ApiStatus,
    message: string,
    readonly appCode: AppCode | null = null,
    /** What lies beneath (zod's issues for bad input reach the client from here). */
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = "AppError";
  }

  /** One of the catalogued errors (lib/app-errors.ts). */
  static of(code: AppCode): AppError {
    return new AppError(APP_ERRORS[code].status, APP_ERRORS[code].message, code);
  }
}

/**
 * A refusal that keeps what the request wrote: the request's transaction commits, then the request
 * fails with this answer (a wrong password's throttle attempt and audit row must outlive the
 * request). Any other error rolls the transaction back (server/trpc/init.ts).
 */
export class CommitThenFail extends AppError {
  constructor(status: ApiStatus, message: string) {
    super(status, message);
    this.name = "CommitThenFail";
  }
}
