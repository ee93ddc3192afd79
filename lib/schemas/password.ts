import { z } from "zod";

// A short list of the passwords attackers try first; length does most of the work.
const COMMON = new Set(["password1234", "123456789012", "qwertyuiopas", "letmeinplease", "welcome12345", "iloveyou1234", "adminadmin12", "demo-password"]);

/** NIST 800-63B style: length over composition rules; not common, not the email, not one repeated character. */
export const newPasswordSchema = z
  .object({ email: z.string(), password: z.string().min(12, "Use at least 12 characters").max(256) })
  .superRefine(({ email, password }, ctx) => {
    const lower = password.toLowerCase();
    if (COMMON.has(lower)) ctx.addIssue({ code: "custom", path: ["password"], message: "That password is too common" });
    if (lower.includes(email.toLowerCase()) || lower === email.split("@")[0].toLowerCase())
      ctx.addIssue({ code: "custom", path: ["password"], message: "Do not use your email address" });
    if (/^(.)\1+$/.test(password)) ctx.addIssue({ code: "custom", path: ["password"], message: "Use more than one repeated character" });
  });

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password").max(1024),
  newPassword: z.string().max(256),
});
