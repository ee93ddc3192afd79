import { sql } from "drizzle-orm";

/**
 * A cover that gives access now, for a coverage row aliased `c`: the rule of the visibility
 * functions (app_visible_patient_ids, app_access_bases), so a cover ended early for a later time
 * still counts until then.
 */
export const coverRunning = sql`(c.starts_at <= now() and c.ends_at > now() and (c.ended_at is null or c.ended_at > now()))`;
