import { timestamp } from "drizzle-orm/pg-core";

/** Every instant in the schema is stored with its time zone. A leaf module: organizations and users use it too. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true });
