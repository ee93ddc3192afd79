import { orPage } from "@/app/_components/signed-in";
import { formatDateTime } from "@/lib/time";
import { currentMember, getCaller } from "@/server/trpc/server";
import { InvitationActions, InviteMember, MemberActions } from "./members-client";
import { DataTable } from "@/app/_components/data-table";

export const metadata = { title: "Members · Admin · CareRoster" };

export default async function MembersPage() {
  const caller = await getCaller();
  const [members, invitations, me] = await orPage(
    Promise.all([caller.admin.members.list(), caller.admin.members.invitations(), currentMember()]),
    "/admin/members",
  );
  const now = new Date();
  const tz = me.org?.timeZone ?? "UTC";
  return (
    <>
      <h1>Members</h1>
      <DataTable label="Members" columns={["Name", "Email", "Role", "Status", "Actions"]}>
        {members.map((m) => (
          <tr key={m.userId}>
            <td>{m.name}</td>
            <td>{m.email}</td>
            <td>{m.role}</td>
            <td>
              <span className={`badge ${m.status === "active" ? "ok" : "bad"}`}>{m.status}</span>
            </td>
            <td>
              {m.userId === me.user.id ? (
                <span className="muted">you</span>
              ) : (
                <MemberActions member={m} timeZone={tz} />
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <h2>Pending invitations</h2>
      {invitations.length === 0 ? (
        <p className="empty">No pending invitations.</p>
      ) : (
        <DataTable label="Pending invitations" columns={["Email", "Name", "Role", "Expires", "Actions"]}>
          {invitations.map((i) => (
            <tr key={i.id}>
              <td>{i.email}</td>
              <td>{i.name}</td>
              <td>{i.role}</td>
              <td>
                {i.expiresAt < now ? (
                  <span className="badge bad">expired</span>
                ) : (
                  <time dateTime={i.expiresAt.toISOString()}>{formatDateTime(i.expiresAt, tz)}</time>
                )}
              </td>
              <td>
                <InvitationActions invitation={i} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <InviteMember />
    </>
  );
}
