import { orPage } from "@/app/_components/signed-in";
import { TopBar } from "@/app/_components/top-bar";
import { getCaller } from "@/server/trpc/server";
import { ChangePasswordForm } from "./change-password-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Your account · CareRoster" };

export default async function AccountPage() {
  const caller = await getCaller();
  const me = await orPage(caller.me.get(), "/account");
  return (
    <>
      <TopBar me={me} />
      <main>
        <h1>Your account</h1>
        <p>
          {me.user.name} · {me.user.email}
        </p>
        <ChangePasswordForm email={me.user.email} name={me.user.name} />
      </main>
    </>
  );
}
