// Where the pages get their data: the server's /api, or the JSON a report embeds under
// the same paths (a report makes no request at all).

const embeddedEl = document.getElementById('aero-data');
const embedded: Record<string, unknown> | null = embeddedEl ? (JSON.parse(embeddedEl.textContent ?? '{}') as Record<string, unknown>) : null;

export const isReport = embedded !== null;

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export async function get<T>(path: string): Promise<T> {
  if (embedded) {
    if (path in embedded) return embedded[path] as T;
    throw new ApiError('NOT_IN_REPORT', 'This report does not include that page.', 'Open it in `aero ui`, or write a report that includes it.');
  }
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await res.json()) as T & { error?: { code: string; message: string; hint?: string } };
  if (!res.ok) throw new ApiError(body.error?.code ?? String(res.status), body.error?.message ?? res.statusText, body.error?.hint);
  return body;
}

/** Whether a report carries `path` (links to pages it lacks are shown as text). */
export function has(path: string): boolean {
  return !embedded || path in embedded;
}
