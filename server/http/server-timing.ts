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

  static forRequest(): ServerTiming | null {
    return env().CAREROSTER_SERVER_TIMING ? new ServerTiming() : null;
  }

  stage(name: string, startedAt: number): void {
    this.stages.push({ name, ms: performance.now() - startedAt });
  }

  header(): string {
    return this.stages.map((s) => `${s.name};dur=${s.ms.toFixed(3)}`).join(", ");
  }
}

/** The response with the request's stages, plus `serialize`: from the handler's end to the body's last byte. */
export async function withServerTiming(timing: ServerTiming, handlerDoneAt: () => number, res: Response) {
  const body = await res.arrayBuffer();
  timing.stage("serialize", handlerDoneAt());
  const headers = new Headers(res.headers);
  headers.set("server-timing", timing.header());
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}
