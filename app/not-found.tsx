import Link from "next/link";

/** One page for a record that does not exist and one the caller may not see: no existence oracle. */
export default function NotFound() {
  return (
    <main id="main" tabIndex={-1} className="auth">
      <div className="card">
        <h1>Not found</h1>
        <p>There is nothing at this address that you can see.</p>
        <p>
          <Link href="/patients">Back to your patients</Link>
        </p>
      </div>
    </main>
  );
}
