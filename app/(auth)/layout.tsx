import type { ReactNode } from "react";

/** Every page before sign-in (sign-in, password reset, invitation links): one card, centred. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main id="main" tabIndex={-1} className="auth">
      <div className="card">{children}</div>
    </main>
  );
}
