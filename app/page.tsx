import { redirect } from "next/navigation";
import { orPage } from "@/app/_components/signed-in";
import { currentMember } from "@/server/trpc/server";

export const dynamic = "force-dynamic";

/** Each role's landing page: a clinician's day, an admin's overview; without a role, the list says why. */
export default async function Home() {
  const me = await orPage(currentMember(), "/");
  redirect(me.role === "clinician" ? "/today" : me.role === "admin" ? "/admin" : "/patients");
}
