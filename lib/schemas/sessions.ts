import { z } from "zod";

export const sessionIdInput = z.object({ sessionId: z.uuid() });
