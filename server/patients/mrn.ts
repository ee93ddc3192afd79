import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { mrnSettingsInput } from "@/lib/schemas/patients";
import { audit } from "@/server/audit/record";
import { mrnSequences } from "@/server/db/schema";
import type { MemberCtx, RequestCtx } from "@/server/request";

/** The practice's MRN prefix and what the next generated MRN will look like (a preview: nothing is taken). */
export async function mrnSettings(ctx: RequestCtx) {
  const [row] = await ctx.tx
    .select({ prefix: mrnSequences.prefix, lastValue: mrnSequences.lastValue })
    .from(mrnSequences);
  const prefix = row?.prefix ?? "";
  return { prefix, example: `${prefix}${String((row?.lastValue ?? 0) + 1).padStart(6, "0")}` };
}

/** Admin → Settings: sets the prefix (the policies let only the practice's admin write it). */
export async function setMrnPrefix(ctx: MemberCtx, input: z.infer<typeof mrnSettingsInput>) {
  // Written out: Drizzle would name every column (DEFAULT included), and the runtime role may insert only these two.
  await ctx.tx.execute(
    sql`insert into mrn_sequences (org_id, prefix) values (${ctx.orgId}, ${input.prefix})
        on conflict (org_id) do update set prefix = excluded.prefix`,
  );
  await audit(ctx, { action: "practice.mrn_prefix", entityId: ctx.orgId, detail: { prefix: input.prefix } });
  return mrnSettings(ctx);
}
