import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { parseAnswer, signIn, trpcQuery, type TrpcAnswer } from "@/tests/helpers/http-client";
import { nextDemoCode } from "@/tests/helpers/totp";
import { DEMO_PASSWORD } from "@/server/db/seed/demo-data";
import { APP_URL } from "@/ha/topology";

/** A signed-in demo clinician driving the load, with the patients their first list showed. */
export interface LoadUser {
  email: string;
  cookie: string;
  /** Patient ids the user may see: any other id in a later answer is a leak. */
  visible: Set<string>;
  /** A patient of theirs to write notes on and book visits for. */
  patientId: string;
  /** Next free visit slot (each user books only their own calendar, 15 min apart). */
  slot: number;
}

export interface Outcome {
  user: string;
  op: "list" | "note" | "booking";
  startedAt: number;
  endedAt: number;
  status: number;
  code: string | null;
  retryAfter: string | null;
  text: string;
  /** The note or appointment the app acknowledged (HTTP 200). */
  ackId?: string;
  /** Ids a list answer carried that the user may not see. */
  foreign?: string[];
}

/** A marker in every note body and visit reason this run writes, so the checks find all of them. */
export const RUN = `ha-${randomUUID().slice(0, 8)}`;
// A day of its own far ahead per run, so runs never book over each other's visits.
const SLOT_BASE = Math.floor(Date.now() / 86_400_000 + 400 + Math.random() * 3000) * 86_400_000;

export async function signInUser(email: string, owner: postgres.Sql): Promise<LoadUser> {
  const res = await signIn(APP_URL, email, DEMO_PASSWORD, { totp: await nextDemoCode(email, undefined, owner) });
  if (!res.ok || !res.cookie) throw new Error(`sign-in failed for ${email}: ${res.error}`);
  const list = await trpcQuery(APP_URL, "patients.list", { limit: 100 }, { cookie: res.cookie });
  const items = (list.data as { items: { id: string }[] }).items;
  return {
    email,
    cookie: res.cookie,
    visible: new Set(items.map((p) => p.id)),
    patientId: items[0].id,
    slot: 0,
  };
}

async function timed(user: LoadUser, op: Outcome["op"], call: () => Promise<Response>): Promise<Outcome> {
  const startedAt = Date.now();
  let res: Response;
  try {
    res = await call();
  } catch (err) {
    // No HTTP answer at all (HAProxy or the app closed the connection).
    return {
      user: user.email,
      op,
      startedAt,
      endedAt: Date.now(),
      status: 0,
      code: null,
      retryAfter: null,
      text: String(err),
    };
  }
  const text = await res.text();
  return {
    user: user.email,
    op,
    startedAt,
    endedAt: Date.now(),
    status: res.status,
    code: null,
    retryAfter: res.headers.get("retry-after"),
    text,
  };
}

const parse = (o: Outcome): TrpcAnswer | null => {
  try {
    return parseAnswer(o.status, o.text);
  } catch {
    return null; // not tRPC's JSON (HAProxy's own error page, no answer at all)
  }
};

const get = (path: string, input: unknown, cookie: string) => () =>
  fetch(`${APP_URL}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
    headers: { cookie },
    signal: AbortSignal.timeout(90_000),
  });
const post = (path: string, input: unknown, cookie: string) => () =>
  fetch(`${APP_URL}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ json: input }),
    signal: AbortSignal.timeout(90_000),
  });

/** One request of the mix: a patient list (audited), a note (audited) or a booking (audited). */
export async function oneRequest(user: LoadUser, n: number): Promise<Outcome> {
  const op: Outcome["op"] = (["list", "note", "booking"] as const)[n % 3];
  let o: Outcome;
  if (op === "list") o = await timed(user, op, get("patients.list", { limit: 100 }, user.cookie));
  else if (op === "note")
    o = await timed(
      user,
      op,
      post("notes.create", { patientId: user.patientId, body: `${RUN} note ${n}` }, user.cookie),
    );
  else {
    const startsAt = new Date(SLOT_BASE + user.slot++ * 15 * 60_000).toISOString();
    o = await timed(
      user,
      op,
      post(
        "appointments.create",
        {
          patientId: user.patientId,
          startsAt,
          durationMinutes: 10,
          reason: `${RUN} visit ${n}`,
          visitType: "follow_up",
        },
        user.cookie,
      ),
    );
  }
  const answer = parse(o);
  o.code = answer?.code ?? null;
  if (o.status === 200 && answer) {
    if (op === "list") {
      const ids = (answer.data as { items: { id: string }[] }).items.map((p) => p.id);
      o.foreign = ids.filter((id) => !user.visible.has(id));
    } else o.ackId = (answer.data as { id: string }).id;
  }
  return o;
}

/** Runs `workers` request loops per user until `stop()` answers true, each outcome pushed to `outcomes` as it ends. */
export async function runLoad(
  users: LoadUser[],
  stop: () => boolean,
  outcomes: Outcome[],
  workers = 2,
  pauseMs = 40,
): Promise<Outcome[]> {
  let n = 0;
  await Promise.all(
    users.flatMap((user) =>
      Array.from({ length: workers }, async () => {
        while (!stop()) {
          const o = await oneRequest(user, n++);
          outcomes.push(o);
          // A refused request waits a little longer, as a client honouring Retry-After would (but finer).
          await new Promise((r) => setTimeout(r, o.status === 200 ? pauseMs : 250));
        }
      }),
    ),
  );
  return outcomes;
}

export interface LoadSummary {
  requests: number;
  failedRequests: number;
  /** Answers that were neither 200 nor a clean 503 SERVICE_UNAVAILABLE with Retry-After. */
  unclean: Outcome[];
  foreignRows: number;
  acknowledgedWrites: number;
}

export function summarise(outcomes: Outcome[]): LoadSummary {
  const failed = outcomes.filter((o) => o.status !== 200);
  const unclean = failed.filter(
    (o) =>
      !(o.status === 503 && o.code === "SERVICE_UNAVAILABLE" && o.retryAfter !== null) ||
      /stack|at .*\.ts|select |insert |ECONN/i.test(o.text),
  );
  return {
    requests: outcomes.length,
    failedRequests: failed.length,
    unclean,
    foreignRows: outcomes.reduce((sum, o) => sum + (o.foreign?.length ?? 0), 0),
    acknowledgedWrites: outcomes.filter((o) => o.ackId).length,
  };
}

/**
 * Acknowledged writes missing on the server `sql` reaches (the row or its audit row), and
 * half-written changes: this run's notes and visits that have no audit row.
 */
export async function lostWrites(sql: postgres.Sql, outcomes: Outcome[], before = Infinity) {
  const acked = outcomes.filter((o) => o.ackId && o.endedAt <= before);
  const notes = acked.filter((o) => o.op === "note").map((o) => o.ackId!);
  const visits = acked.filter((o) => o.op === "booking").map((o) => o.ackId!);
  const [found] = await sql<{ notes: number; visits: number }[]>`select
    (select count(*)::int from clinical_notes n where n.id = any(${notes}::uuid[])
       and exists (select 1 from audit_events a where a.action = 'note.create' and a.entity_id = n.id::text)) as notes,
    (select count(*)::int from appointments v where v.id = any(${visits}::uuid[])
       and exists (select 1 from audit_events a where a.action = 'appointment.create' and a.entity_id = v.id::text)) as visits`;
  const [half] = await sql<{ n: number }[]>`select
    (select count(*)::int from clinical_notes n where n.body like ${RUN + " %"}
       and not exists (select 1 from audit_events a where a.action = 'note.create' and a.entity_id = n.id::text))
    + (select count(*)::int from appointments v where v.reason like ${RUN + " %"}
       and not exists (select 1 from audit_events a where a.action = 'appointment.create' and a.entity_id = v.id::text)) as n`;
  return {
    lost: notes.length + visits.length - found.notes - found.visits,
    halfWritten: half.n,
    checked: acked.length,
  };
}
