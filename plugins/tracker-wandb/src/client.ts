// The HTTP side: GraphQL, file_stream and signed-URL uploads, with retries on the
// failures W&B's own clients retry (network errors, 408, 429, 5xx) and a clear verdict
// on the rest, so the sender knows whether to wait, stop or record a rejection.

import { serverAbsent } from '@aeroml/core';

export type FailureKind = 'transient' | 'auth' | 'rejected';

export class RequestFailure extends Error {
  override readonly name = 'RequestFailure';
  constructor(
    readonly kind: FailureKind,
    readonly operation: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RetryPolicy {
  attempts: number;
  /**
   * Attempts of one request that finds no server at all (refused, unresolvable) before it
   * gives up: a service that is not there is not retried `attempts` times.
   */
  unansweredAttempts?: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  retry: RetryPolicy;
  userAgent: string;
  /** Injected for tests of the retry policy; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ClientStats {
  requests: number;
  retries: number;
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

// Not unref'd: the caller awaits it, and an unref'd timer let the process exit in the
// middle of a flush (the run summary was never printed).
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as in `Retry-After`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter, bounded by the policy. */
export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** attempt);
  return Math.round(exp / 2 + (random() * exp) / 2);
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'request timed out';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `${error.message} (${cause.code})`;
    if (cause?.message) return `${error.message} (${cause.message})`;
    return error.message;
  }
  return String(error);
}

async function bodyMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const json = JSON.parse(text) as { errors?: { message?: string }[]; error?: string; message?: string };
    const first = json.errors?.[0]?.message ?? json.error ?? json.message;
    if (first) return first;
  } catch {
    // not JSON: fall through to the text
  }
  const xml = /<Message>([^<]*)<\/Message>/.exec(text);
  if (xml?.[1]) return xml[1];
  return text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200) || response.statusText;
}

function classify(status: number): FailureKind | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status === 401) return 'auth';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  return 'rejected';
}

export class WandbClient {
  readonly stats: ClientStats = { requests: 0, retries: 0 };
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly authorization: string;

  constructor(private readonly options: ClientOptions) {
    this.sleep = options.sleep ?? realSleep;
    this.authorization = `Basic ${Buffer.from(`api:${options.apiKey}`).toString('base64')}`;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** Sends one request with retries; resolves with a 2xx response or throws a RequestFailure. */
  private async send(operation: string, make: () => Promise<Response>): Promise<Response> {
    const { retry } = this.options;
    let last: RequestFailure | undefined;
    let unanswered = 0;
    let attempts = retry.attempts;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) this.stats.retries += 1;
      this.stats.requests += 1;
      let wait: number | undefined;
      try {
        const response = await make();
        const kind = classify(response.status);
        if (!kind) return response;
        const message = await bodyMessage(response);
        last = new RequestFailure(kind, operation, `${operation}: HTTP ${response.status}: ${message}`, response.status);
        if (kind !== 'transient') throw last;
        wait = retryAfterMs(response.headers.get('retry-after'));
      } catch (error) {
        if (error instanceof RequestFailure) throw error;
        last = new RequestFailure('transient', operation, `${operation}: ${describeNetworkError(error)}`, undefined, { cause: error });
        if (serverAbsent(error) && ++unanswered >= (retry.unansweredAttempts ?? retry.attempts)) attempts = attempt + 1;
      }
      if (attempt + 1 < attempts) await this.sleep(Math.min(retry.maxDelayMs, Math.max(wait ?? 0, backoffMs(attempt, retry))));
    }
    throw new RequestFailure('transient', operation, `${last?.message ?? operation}, gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`, last?.status, { cause: last });
  }

  async graphql<T>(operationName: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await this.send(operationName, () =>
      fetch(`${this.options.baseUrl}/graphql`, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/json', 'user-agent': this.options.userAgent },
        body: JSON.stringify({ query, variables, operationName }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      }),
    );
    let json: GraphqlResponse<T>;
    try {
      json = (await response.json()) as GraphqlResponse<T>;
    } catch (error) {
      throw new RequestFailure('transient', operationName, `${operationName}: the response is not JSON`, response.status, { cause: error });
    }
    if (json.errors && json.errors.length > 0) {
      throw new RequestFailure('rejected', operationName, `${operationName}: ${json.errors.map((e) => e.message ?? 'error').join('; ')}`, response.status);
    }
    if (!json.data) throw new RequestFailure('rejected', operationName, `${operationName}: the response has no data`, response.status);
    return json.data;
  }

  async fileStream(entity: string, project: string, run: string, body: Record<string, unknown>): Promise<void> {
    const path = `/files/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/${encodeURIComponent(run)}/file_stream`;
    const text = JSON.stringify(body);
    const response = await this.send('file_stream', () =>
      fetch(`${this.options.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/json', 'user-agent': this.options.userAgent },
        body: text,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      }),
    );
    await response.arrayBuffer().catch(() => undefined);
  }

  /** PUT to a signed upload URL with the headers the service asked for (`Name:value` strings). */
  async upload(operation: string, url: string, headers: string[], body: () => Promise<Blob>): Promise<void> {
    const parsed: Record<string, string> = { 'user-agent': this.options.userAgent };
    for (const header of headers) {
      const colon = header.indexOf(':');
      if (colon > 0) parsed[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    }
    const response = await this.send(operation, async () =>
      fetch(url, { method: 'PUT', headers: parsed, body: await body(), signal: AbortSignal.timeout(Math.max(this.options.timeoutMs, 300_000)) }),
    );
    await response.arrayBuffer().catch(() => undefined);
  }
}
