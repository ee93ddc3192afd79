import Link from "next/link";

export default function Forbidden() {
  return (
    <main id="main" tabIndex={-1} className="auth">
      <div className="card">
        <h1>403 — practice admins only</h1>
        <p>You need to be an active admin of this practice to open this page.</p>
        <p>
          <Link href="/patients">Back to your patients</Link>
        </p>
      </div>
    </main>
  );
}
