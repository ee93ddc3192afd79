import type { ServerResponse } from "node:http";
import type { StageTimer } from "@/server/db/pipeline";
import { env } from "@/server/env";

/**
 * Per-stage timings of one tRPC request, sent as a `Server-Timing` header only when
 * CAREROSTER_SERVER_TIMING=1 (an operations tool, docs/operations.md; the bench's per-stage
 * breakdown reads it too): stage names and milliseconds, never a value or a query. Pipelined
 * stages overlap (each is measured from when it was sent to when its answer arrived).
 */
export class ServerTiming implements StageTimer {
  private readonly stages: { name: string; ms: number }[] = [];
  private doneAt = 0;

  static forRequest(): ServerTiming | null {
    return env().CAREROSTER_SERVER_TIMING ? new ServerTiming() : null;
  }

  stage(name: string, startedAt: number): void {
    this.stages.push({ name, ms: performance.now() - startedAt });
  }

  /** The procedures have answered; what follows until the head is written is serialization. */
  handlerDone(): void {
    this.doneAt = performance.now();
  }

  header(): string {
    return this.stages.map((s) => `${s.name};dur=${s.ms.toFixed(3)}`).join(", ");
  }

  /** Adds the header to `res` as its head is written (the body is serialized by then). */
  sendWith(res: ServerResponse): void {
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      if (this.doneAt) this.stage("serialize", this.doneAt);
      res.setHeader("server-timing", this.header());
      return writeHead(...args);
    }) as ServerResponse["writeHead"];
  }
}
