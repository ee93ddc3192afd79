import { z } from "zod";

export const sessionIdInput = z.object({ sessionId: z.uuid() });
export const switchOrgInput = z.object({ orgId: z.uuid() });
export const identityIdInput = z.object({ id: z.uuid() });
