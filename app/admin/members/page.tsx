import { orPage } from "@/app/_components/signed-in";
import { getCaller } from "@/server/trpc/server";
import { AddMember, MemberActions } from "./members-client";

export const metadata = { title: "Members · Admin · CareRoster" };

export default async function MembersPage() {
  const caller = await getCaller();
  const [members, me] = await orPage(Promise.all([caller.admin.members.list(), caller.me.get()]), "/admin/members");
  return (
    <>
      <h1>Members</h1>
      <table aria-label="Members">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.userId}>
              <td>{m.name}</td>
              <td>{m.email}</td>
              <td>{m.role}</td>
              <td>
                <span className={`badge ${m.status === "active" ? "ok" : "bad"}`}>{m.status}</span>
              </td>
              <td>{m.userId === me.user.id ? <span className="muted">you</span> : <MemberActions member={m} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddMember />
    </>
  );
}
