/** Error codes of a connection that found nothing listening, or no such host. */
const ABSENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Whether a failed `fetch` found no server at all (refused, unresolvable, unroutable, or a
 * port fetch never connects to), as opposed to a dropped connection or a slow answer.
 * Plugins that talk HTTP to a service give up early on an absent server (it will not
 * appear within a retry budget) and retry a server that is there but flaky in full.
 */
export function serverAbsent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (!cause) return false;
  return (typeof cause.code === 'string' && ABSENT_CODES.has(cause.code)) || cause.message === 'bad port';
}
