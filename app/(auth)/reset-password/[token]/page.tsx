import { tokenSchema } from "@/lib/schemas/accounts";
import { getCaller } from "@/server/trpc/server";
import { DeadLink } from "@/app/(auth)/dead-link";
import { ResetPasswordForm } from "./reset-password-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Choose a new password · CareRoster", referrer: "no-referrer" };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const account = tokenSchema.safeParse(token).success
    ? await (await getCaller()).passwordReset.preview({ token })
    : null;
  if (!account) {
    return (
      <DeadLink title="This reset link does not work" href="/forgot-password" action="Ask for a new link">
        <p>It was already used, replaced by a newer one, or has expired (links work for 30 minutes).</p>
      </DeadLink>
    );
  }
  return (
    <>
      <h1>Choose a new password</h1>
      <p>
        For <strong>{account.email}</strong>.
      </p>
      <ResetPasswordForm token={token} email={account.email} name={account.name} />
    </>
  );
}
