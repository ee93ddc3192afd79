/** Shown while a page's data loads (Next.js wraps each route segment in Suspense with this). */
export default function Loading() {
  return (
    <main id="main" tabIndex={-1} aria-busy="true" className="loading-page">
      <p className="loading">
        <span className="spinner" aria-hidden="true" /> Loading…
      </p>
    </main>
  );
}
