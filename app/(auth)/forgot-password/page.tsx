import Link from "next/link";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata = { title: "Forgot password · CareRoster" };

export default function ForgotPasswordPage() {
  return (
    <>
      <h1>Forgot your password?</h1>
      <p>Enter the email of your account. We will send it a link to choose a new password.</p>
      <ForgotPasswordForm />
      <p>
        <Link href="/login">Back to sign-in</Link>
      </p>
    </>
  );
}
