import { appUrl, type Mail } from "./index";

const roleName = { admin: "a practice admin", clinician: "a clinician" } as const;

export function invitationMail(p: {
  to: string;
  orgName: string;
  inviterName: string;
  role: "admin" | "clinician";
  token: string;
}): Mail {
  const link = `${appUrl()}/invite/${p.token}`;
  return {
    to: p.to,
    subject: `You are invited to ${p.orgName} on CareRoster`,
    link,
    text: [
      `${p.inviterName} invited you to join ${p.orgName} on CareRoster as ${roleName[p.role]}.`,
      "",
      "Open this link to accept (it works once, for 72 hours):",
      link,
      "",
      "If you did not expect this invitation, ignore this message: nothing happens unless you accept.",
    ].join("\n"),
  };
}

export function passwordResetMail(p: { to: string; name: string; token: string }): Mail {
  const link = `${appUrl()}/reset-password/${p.token}`;
  return {
    to: p.to,
    subject: "Reset your CareRoster password",
    link,
    text: [
      `Hello ${p.name},`,
      "",
      "Someone (hopefully you) asked to reset the password of your CareRoster account.",
      "Open this link to choose a new password (it works once, for 30 minutes):",
      link,
      "",
      "If you did not ask for this, ignore this message: your password stays as it is.",
    ].join("\n"),
  };
}

/** Sent to the account's own address whenever a practice's sign-in is linked to it. */
export function ssoLinkedMail(p: { to: string; orgName: string }): Mail {
  const link = `${appUrl()}/account`;
  return {
    to: p.to,
    subject: `${p.orgName}'s sign-in was linked to your CareRoster account`,
    link,
    text: [
      `Your CareRoster account can now be signed in through ${p.orgName}'s sign-in (single sign-on).`,
      "It was linked after your password and second factor were entered.",
      "",
      "If this was not you, change your password and unlink it on your account page:",
      link,
    ].join("\n"),
  };
}
