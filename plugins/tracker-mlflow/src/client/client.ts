// A small, typed client for the MLflow REST API 2.0: exactly what the tracker and
// `loadArtifact` need, every response validated with zod. There is no maintained MLflow
// client on npm, and the REST API is stable and documented:
// https://mlflow.org/docs/latest/api_reference/rest-api.html
import type { z, ZodType } from 'zod';
import { AeroError } from '@aeroml/core';
import { MlflowErrorCodes, PLUGIN } from '../errors.js';
import { bodyExcerpt, mlflowErrorBody } from './body.js';
import {
  createExperimentResponse,
  emptyResponse,
  getExperimentResponse,
  listArtifactsResponse,
  metricHistoryResponse,
  runResponse,
  searchRunsResponse,
  updateRunResponse,
  type KeyValue,
  type MlflowExperiment,
  type MlflowMetric,
  type MlflowRun,
  type MlflowRunInfo,
} from './schemas.js';

export type { KeyValue, MlflowExperiment, MlflowMetric, MlflowRun, MlflowRunInfo } from './schemas.js';

/** Hard limits of `runs/log-batch` (mlflow/utils/validation.py): per kind, all kinds together, body size. */
export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, entities: 1000, bytes: 1_000_000 } as const;
/** Value length limits of the tracking store. */
export const VALUE_LIMITS = { param: 6000, tag: 8000, key: 250, experimentName: 500 } as const;

export type RunStatusName = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** A metric as sent to `log-batch`: non-finite values travel as protobuf JSON strings. */
export interface MetricWire {
  key: string;
  value: number | 'NaN' | 'Infinity' | '-Infinity';
  timestamp: number;
  step: number;
}

export interface MlflowClientOptions {
  /** `http(s)://host:port[/prefix]` of the tracking server. */
  trackingUri: string;
  /** Bearer token (`MLFLOW_TRACKING_TOKEN`). */
  token?: string | undefined;
  /** Basic auth (`MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD`). */
  username?: string | undefined;
  password?: string | undefined;
  /** Per-request timeout for API calls (uploads get more, scaled by size). Default 15 s. */
  timeoutMs?: number | undefined;
  /** Aborts every request in flight and to come (used when a tracker closes). */
  signal?: AbortSignal | undefined;
}

/** A failed MLflow call. `retryable` is true for network errors, timeouts, 408, 429 and 5xx. */
export class MlflowRequestError extends AeroError {
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { status?: number | undefined; errorCode?: string | undefined; retryable: boolean; hint?: string; cause?: unknown }) {
    super(code, message, { plugin: PLUGIN, hint: options.hint, cause: options.cause, details: { status: options.status, errorCode: options.errorCode } });
    this.status = options.status;
    this.errorCode = options.errorCode;
    this.retryable = options.retryable;
  }
}

export function isMlflowRequestError(error: unknown): error is MlflowRequestError {
  return error instanceof MlflowRequestError;
}

interface CallOptions {
  query?: Record<string, string | number | undefined> | undefined;
  json?: unknown;
}

/** What `request` resolves to, or null when MLflow answers RESOURCE_DOES_NOT_EXIST. */
async function unlessMissing<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (isMlflowRequestError(error) && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return null;
    throw error;
  }
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'timed out';
  if (error.name === 'AbortError') return 'aborted: the tracker was closed';
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return error.message;
}

/** Escapes a value for an MLflow search filter string. */
export function filterString(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  throw new AeroError(MlflowErrorCodes.MLFLOW_REQUEST_FAILED, `Cannot search MLflow for a value containing both quote characters: ${value}`, { plugin: PLUGIN });
}

export class MlflowClient {
  readonly trackingUri: string;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  /**
   * Grows after each timeout (x2, up to x16) and shrinks after each success: a server that
   * is merely slow still applies timed-out requests, so retrying with the same short timeout
   * would pile up work it never catches up with.
   */
  private slowFactor = 1;
  private readonly signal: AbortSignal | undefined;

  constructor(options: MlflowClientOptions) {
    this.trackingUri = options.trackingUri;
    this.base = options.trackingUri.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.signal = options.signal;
    this.headers = {};
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
    else if (options.username !== undefined) {
      this.headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
    }
  }

  // ---------------------------------------------------------------- transport

  private async send(method: string, url: string, init: { body?: RequestInit['body']; headers?: Record<string, string>; timeoutMs?: number }, what: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { ...this.headers, ...init.headers },
        body: init.body ?? null,
        signal: this.signal
          ? AbortSignal.any([this.signal, AbortSignal.timeout((init.timeoutMs ?? this.timeoutMs) * this.slowFactor)])
          : AbortSignal.timeout((init.timeoutMs ?? this.timeoutMs) * this.slowFactor),
      });
      this.slowFactor = Math.max(1, this.slowFactor / 2);
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') this.slowFactor = Math.min(16, this.slowFactor * 2);
      throw new MlflowRequestError(MlflowErrorCodes.MLFLOW_UNREACHABLE, `MLflow server at ${this.trackingUri} is unreachable (${what}: ${describeCause(error)}).`, {
        retryable: true,
        cause: error,
        hint: 'Start the server (e.g. `mlflow server --host 127.0.0.1 --port 5000`) or fix `trackingUri` (or MLFLOW_TRACKING_URI); the tracker keeps events spooled and `aero sync` sends them later.',
      });
    }
    if (response.ok) return response;
    const status = response.status;
    const text = await response.text().catch(() => '');
    const refusal = mlflowErrorBody(text);
    const errorCode = refusal?.errorCode;
    const detail = refusal ? refusal.message : bodyExcerpt(text, response.headers.get('content-type'));
    const label = `${what} (HTTP ${status}${errorCode ? ` ${errorCode}` : ''})${detail ? `: ${detail.replace(/\.$/, '')}` : ''}`;
    if (status === 401 || status === 403) {
      const hostCheck = /host header/i.test(detail);
      throw new MlflowRequestError(MlflowErrorCodes.MLFLOW_AUTH_FAILED, `MLflow server at ${this.trackingUri} refused ${hostCheck ? 'this Host header' : 'the credentials'}: ${label}.`, {
        status,
        errorCode,
        retryable: false,
        hint: hostCheck
          ? 'The server rejects this Host header: start it with `--allowed-hosts` listing the host you connect to.'
          : 'Set `token` (or MLFLOW_TRACKING_TOKEN) or `username`/`password` (MLFLOW_TRACKING_USERNAME/PASSWORD).',
      });
    }
    if (status === 408 || status === 429 || status >= 500) {
      throw new MlflowRequestError(MlflowErrorCodes.MLFLOW_UNREACHABLE, `MLflow server at ${this.trackingUri} is overloaded or failing: ${label}.`, {
        status,
        errorCode,
        retryable: true,
        hint: 'The tracker retries with backoff; events stay spooled until the server answers.',
      });
    }
    // Only MLflow's JSON error body refuses a specific request (and its events, for good). A
    // 4xx without one comes from a wrong path or port, or from another server: the same for
    // every event, so they must stay spooled for a corrected trackingUri.
    if (!refusal) throw this.notMlflow(`${what} answered HTTP ${status}${detail ? ` (${detail})` : ''}`, status);
    throw new MlflowRequestError(MlflowErrorCodes.MLFLOW_REQUEST_FAILED, `MLflow refused ${label}.`, { status, errorCode, retryable: false });
  }

  /** MLFLOW_RESPONSE_INVALID for an answer that is not MLflow's REST API (fatal: the tracker keeps the events). */
  private notMlflow(answer: string, status: number, cause?: unknown): MlflowRequestError {
    const url = new URL(this.base);
    const origin = url.pathname.replace(/\/+$/, '') === '' ? '' : ` (perhaps ${url.origin})`;
    return new MlflowRequestError(
      MlflowErrorCodes.MLFLOW_RESPONSE_INVALID,
      `trackingUri ${this.trackingUri} points at something that is not an MLflow tracking server: ${answer} instead of MLflow's REST API. Set trackingUri (or MLFLOW_TRACKING_URI) to the URL the MLflow server is served at${origin}.`,
      {
        status,
        retryable: false,
        cause,
        hint: `The REST API is under <trackingUri>/api/2.0/mlflow/ and the MLflow UI opens at <trackingUri>. The tracker keeps events spooled; once trackingUri is right, \`aero sync\` sends them.`,
      },
    );
  }

  private async call<S extends ZodType>(method: 'GET' | 'POST', endpoint: string, schema: S, options: CallOptions = {}, api = 'mlflow'): Promise<z.output<S>> {
    let url = `${this.base}/api/2.0/${api}/${endpoint}`;
    if (options.query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.query)) if (v !== undefined) params.set(k, String(v));
      url += `?${params.toString()}`;
    }
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const response = await this.send(method, url, { body, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, `${method} ${endpoint}`);
    const text = await response.text();
    let json: unknown;
    try {
      json = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      const excerpt = bodyExcerpt(text, response.headers.get('content-type'));
      throw this.notMlflow(`${method} ${endpoint} answered HTTP ${response.status} (${excerpt})`, response.status, error);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new MlflowRequestError(MlflowErrorCodes.MLFLOW_RESPONSE_INVALID, `MLflow ${method} ${endpoint} answered an unexpected shape (${problems}).`, {
        retryable: false,
        hint: 'This plugin speaks MLflow REST API 2.0 (MLflow 2.x/3.x servers); check the server version.',
      });
    }
    return parsed.data;
  }

  // ---------------------------------------------------------------- experiments

  /** The experiment with this name, or null when there is none. */
  async getExperimentByName(name: string): Promise<MlflowExperiment | null> {
    const res = await unlessMissing(this.call('GET', 'experiments/get-by-name', getExperimentResponse, { query: { experiment_name: name } }));
    return res && res.experiment;
  }

  async createExperiment(name: string, tags: KeyValue[] = []): Promise<string> {
    const res = await this.call('POST', 'experiments/create', createExperimentResponse, { json: { name, tags } });
    return res.experiment_id;
  }

  /**
   * Gets the experiment by name, creating it when missing. Two processes creating it at
   * once is fine: the loser gets RESOURCE_ALREADY_EXISTS and reads the winner's.
   */
  async ensureExperiment(name: string, tags: KeyValue[] = []): Promise<MlflowExperiment> {
    const existing = await this.getExperimentByName(name);
    if (existing) return existing;
    try {
      await this.createExperiment(name, tags);
    } catch (error) {
      if (!(isMlflowRequestError(error) && error.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw error;
    }
    const created = await this.getExperimentByName(name);
    if (!created) {
      throw new MlflowRequestError(MlflowErrorCodes.MLFLOW_RESPONSE_INVALID, `MLflow created experiment "${name}" but cannot find it by name.`, { retryable: true });
    }
    return created;
  }

  // ---------------------------------------------------------------- runs

  async createRun(input: { experimentId: string; runName?: string | undefined; startTime: number; tags?: KeyValue[]; userId?: string | undefined }): Promise<MlflowRun> {
    const res = await this.call('POST', 'runs/create', runResponse, {
      json: { experiment_id: input.experimentId, run_name: input.runName, start_time: input.startTime, tags: input.tags ?? [], user_id: input.userId },
    });
    return res.run;
  }

  async updateRun(input: { runId: string; status?: RunStatusName; endTime?: number | undefined; runName?: string }): Promise<void> {
    await this.call('POST', 'runs/update', updateRunResponse, {
      json: { run_id: input.runId, status: input.status, end_time: input.endTime, run_name: input.runName },
    });
  }

  async getRun(runId: string): Promise<MlflowRun | null> {
    const res = await unlessMissing(this.call('GET', 'runs/get', runResponse, { query: { run_id: runId } }));
    return res && res.run;
  }

  /** One page of `runs/search`. */
  async searchRuns(input: { experimentIds: string[]; filter?: string; maxResults?: number; orderBy?: string[]; pageToken?: string | undefined }): Promise<{ runs: MlflowRun[]; nextPageToken: string | undefined }> {
    const res = await this.call('POST', 'runs/search', searchRunsResponse, {
      json: {
        experiment_ids: input.experimentIds,
        filter: input.filter ?? '',
        max_results: input.maxResults ?? 1000,
        order_by: input.orderBy ?? [],
        page_token: input.pageToken,
      },
    });
    return { runs: res.runs, nextPageToken: res.next_page_token || undefined };
  }

  /** Every run matching `filter` (follows page tokens). */
  async searchAllRuns(input: { experimentIds: string[]; filter?: string; orderBy?: string[] }): Promise<MlflowRun[]> {
    const out: MlflowRun[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.searchRuns({ ...input, pageToken });
      out.push(...page.runs);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out;
  }

  /** `runs/log-batch`: the caller keeps within LOG_BATCH_LIMITS. */
  async logBatch(input: { runId: string; metrics?: MetricWire[]; params?: KeyValue[]; tags?: KeyValue[] }): Promise<void> {
    await this.call('POST', 'runs/log-batch', emptyResponse, {
      json: { run_id: input.runId, metrics: input.metrics ?? [], params: input.params ?? [], tags: input.tags ?? [] },
    });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'runs/set-tag', emptyResponse, { json: { run_id: runId, key, value } });
  }

  /** Every point of one metric (follows page tokens). */
  async getMetricHistory(runId: string, key: string): Promise<MlflowMetric[]> {
    const out: MlflowMetric[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.call('GET', 'metrics/get-history', metricHistoryResponse, { query: { run_id: runId, metric_key: key, max_results: 25_000, page_token: pageToken } });
      out.push(...res.metrics);
      pageToken = res.next_page_token || undefined;
    } while (pageToken);
    return out;
  }

  // ---------------------------------------------------------------- artifacts (proxy)

  /**
   * The `mlflow-artifacts` proxy path of a run's artifact URI, or null when the server does
   * not proxy it (the experiment stores artifacts somewhere the client must reach itself).
   */
  static proxyPath(artifactUri: string): string | null {
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
    if (m) return m[1]!.replace(/\/+$/, '');
    const h = /^https?:\/\/[^/]+\/(?:.*\/)?api\/2\.0\/mlflow-artifacts\/artifacts\/(.*)$/.exec(artifactUri);
    if (h) return h[1]!.replace(/\/+$/, '');
    return null;
  }

  private artifactUrl(artifactUri: string, relPath: string | undefined, what: string): string {
    const base = MlflowClient.proxyPath(artifactUri);
    if (base === null) {
      throw new MlflowRequestError(MlflowErrorCodes.MLFLOW_ARTIFACTS_NOT_PROXIED, `The run's artifact location ${artifactUri} is not served through the MLflow artifact proxy (${what}).`, {
        retryable: false,
        hint: 'Start the server with `--serve-artifacts` and use an experiment created by it (artifact_location `mlflow-artifacts:/...`).',
      });
    }
    const full = relPath ? `${base}/${relPath}` : base;
    return `${this.base}/api/2.0/mlflow-artifacts/artifacts/${full.split('/').filter(Boolean).map(encodeURIComponent).join('/')}`;
  }

  /** Uploads one file (PUT through the proxy). Overwrites: re-uploading the same bytes is idempotent. */
  async uploadArtifact(artifactUri: string, relPath: string, body: Blob | string | Uint8Array): Promise<void> {
    const url = this.artifactUrl(artifactUri, relPath, `upload ${relPath}`);
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body instanceof Blob ? body.size : body.byteLength;
    // Give large files time: the base timeout plus one second per MiB.
    const timeoutMs = this.timeoutMs + Math.ceil(size / 1_048_576) * 1000;
    const response = await this.send('PUT', url, { body: body as RequestInit['body'], headers: { 'content-type': 'application/octet-stream' }, timeoutMs }, `PUT artifact ${relPath}`);
    await response.arrayBuffer();
  }

  async listArtifacts(artifactUri: string, relPath?: string): Promise<Array<{ path: string; isDir: boolean; size: number | undefined }>> {
    const base = MlflowClient.proxyPath(artifactUri);
    if (base === null) this.artifactUrl(artifactUri, relPath, 'list');
    const path = relPath ? `${base}/${relPath}` : base!;
    const res = await this.call('GET', 'artifacts', listArtifactsResponse, { query: { path } }, 'mlflow-artifacts');
    return res.files.map((f) => ({ path: relPath ? `${relPath}/${f.path}` : f.path, isDir: f.is_dir, size: f.file_size }));
  }

  /** Downloads one file; null when it does not exist. */
  async downloadArtifact(artifactUri: string, relPath: string): Promise<Response | null> {
    const url = this.artifactUrl(artifactUri, relPath, `download ${relPath}`);
    try {
      return await this.send('GET', url, { timeoutMs: this.timeoutMs * 20 }, `GET artifact ${relPath}`);
    } catch (error) {
      // MLflow's own 404 (RESOURCE_DOES_NOT_EXIST); a 404 page of something else is not "missing".
      if (isMlflowRequestError(error) && error.code === MlflowErrorCodes.MLFLOW_REQUEST_FAILED && error.status === 404) return null;
      throw error;
    }
  }
}
