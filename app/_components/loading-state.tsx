/** Shown while a page's data loads (Next.js wraps each route segment in Suspense with this). */
export function LoadingState() {
  return (
    <div aria-busy="true" className="loading-page">
      <p className="loading">
        <span className="spinner" aria-hidden="true" /> Loading…
      </p>
    </div>
  );
}
