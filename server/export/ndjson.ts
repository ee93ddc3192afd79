/** A page of an export as `admin.export.page` answers it. */
export interface ExportPage {
  resources: object[];
  after: string | null;
}

const encoder = new TextEncoder();
const lines = (page: ExportPage) => encoder.encode(page.resources.map((r) => `${JSON.stringify(r)}\n`).join(""));

/**
 * One resource type of the practice as ndjson (one FHIR resource a line), read a page per
 * `nextPage` call (the route's `admin.export.page`: each page its own transaction as the admin,
 * audited). The first page is read before the stream is returned, so a refusal is an HTTP answer
 * rather than a broken download; later pages are read only as the client takes the earlier ones,
 * so memory holds about one page whatever the practice's size.
 */
export async function exportNdjson(nextPage: (after: string | null) => Promise<ExportPage>) {
  let page: ExportPage | null = await nextPage(null);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!page) return controller.close();
        const { after } = page;
        if (page.resources.length > 0) controller.enqueue(lines(page));
        page = after ? await nextPage(after) : null;
        if (!page) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}
