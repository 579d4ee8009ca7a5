// An `endpoint` that is some other HTTP server (MLflow on :5000, a web console, a proxy's
// login page) answers S3 requests with HTML or JSON. The SDK then fails with an XML parse
// error that names neither the endpoint nor what answered, or, for a well-formed HTML page
// with status 200, "succeeds" with an empty listing and a write that went nowhere. So every
// answer is checked here: S3's own answers are XML or empty, never HTML.
import type { S3Client } from '@aws-sdk/client-s3';

/** What a server that is not S3 answered: its status, content type and one short line of its body. */
export interface NotS3Answer {
  status: number;
  contentType: string | undefined;
  /** An HTML page's title, or the first characters of another body ('' when empty). */
  excerpt: string;
  html: boolean;
}

/** Thrown by the response check; errors.ts turns it into S3_ENDPOINT_NOT_S3. */
export class NotS3Response extends Error {
  override readonly name = 'NotS3Response';
  constructor(readonly answer: NotS3Answer) {
    super(`not an S3 answer: ${describeAnswer(answer)}`);
  }
}

// Their bodies and Content-Type are the object's own, which may well be an HTML page.
const OBJECT_CONTENT_COMMANDS = new Set(['GetObjectCommand', 'HeadObjectCommand']);
const HTML = /\bhtml\b/i;
/** Enough of a page to find its <title>; the rest is not read. */
const HEAD_BYTES = 16 * 1024;
const EXCERPT_CHARS = 80;

type Middleware = Parameters<S3Client['middlewareStack']['addRelativeTo']>[0];
interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

/** Adds the check to a client: runs on the raw response, before the SDK's XML deserializer. */
export function addNotS3Check(client: S3Client): void {
  const check = ((next: (args: unknown) => Promise<{ response: unknown }>, context: { commandName?: string }) => async (args: unknown) => {
    const result = await next(args);
    if (OBJECT_CONTENT_COMMANDS.has(context.commandName ?? '')) return result;
    const response = result.response as RawResponse;
    const contentType = headerOf(response, 'content-type');
    if (!HTML.test(contentType ?? '')) return result;
    const text = await readHead(response.body);
    throw new NotS3Response({ status: response.statusCode ?? 0, contentType, excerpt: excerptOf(text, true), html: true });
  }) as unknown as Middleware;
  client.middlewareStack.addRelativeTo(check, { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'aeroNotS3Check', override: true });
}

/**
 * The answer of a server that is not S3, from our check or from an SDK error whose body
 * failed to parse as XML (JSON, plain text); undefined for anything else.
 */
export function notS3Answer(err: unknown): NotS3Answer | undefined {
  if (err instanceof NotS3Response) return err.answer;
  const e = err as { message?: string; $response?: RawResponse } | undefined;
  const response = e?.$response;
  if (!response?.statusCode || !/Deserialization error/i.test(e?.message ?? '')) return undefined;
  const contentType = headerOf(response, 'content-type');
  const body = typeof response.body === 'string' ? response.body : '';
  // An XML body cut short by a dropped connection is S3 after all (retried elsewhere).
  if (/xml/i.test(contentType ?? '') || body.trimStart().startsWith('<?xml')) return undefined;
  const html = HTML.test(contentType ?? '') || /^\s*<(!doctype|html|head|body)\b/i.test(body);
  return { status: response.statusCode, contentType, excerpt: excerptOf(body, html), html };
}

/** `HTTP 404 text/html, page title "404 Not Found"`: one short line. */
export function describeAnswer(a: NotS3Answer): string {
  const type = a.contentType ? ` ${a.contentType.split(';')[0]!.trim()}` : ' (no content type)';
  const what = a.excerpt ? (a.html ? `, page title "${a.excerpt}"` : `: "${a.excerpt}"`) : a.html ? ', an HTML page' : '';
  return `HTTP ${a.status}${type}${what}`;
}

function headerOf(response: RawResponse, name: string): string | undefined {
  for (const [key, value] of Object.entries(response.headers ?? {})) if (key.toLowerCase() === name && value) return value;
  return undefined;
}

function excerptOf(text: string, html: boolean): string {
  let line = text;
  if (html) line = (/<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1] ?? '').replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
  line = line.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
}

/** The first HEAD_BYTES of a response body as text; the rest is dropped with the stream. */
async function readHead(body: unknown): Promise<string> {
  if (typeof body === 'string') return body.slice(0, HEAD_BYTES);
  if (body instanceof Uint8Array) return Buffer.from(body.subarray(0, HEAD_BYTES)).toString('utf8');
  if (!body || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') return '';
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      const buf = Buffer.from(chunk);
      chunks.push(buf);
      size += buf.length;
      if (size >= HEAD_BYTES) break; // leaving the loop destroys the stream
    }
  } catch {
    // a body cut short still tells what it was
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES).toString('utf8');
}
