import { AeroError, defineErrors } from '@aeroml/core';
import { PLUGIN } from './meta.js';
import rows from './errors.json';
import { describeAnswer, notS3Answer, NotS3Response } from './not-s3.js';
import { chosenProfile, profileProblem } from './profile.js';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need: the rows are data, in errors.json. */
export const s3Errors = defineErrors(rows, { plugin: PLUGIN });

/** Every error code this plugin raises (besides core's PLUGIN_OPTIONS_INVALID). */
export const S3ErrorCodes = s3Errors.codes;
export type S3ErrorCode = (typeof S3ErrorCodes)[keyof typeof S3ErrorCodes];

/** What was being done when a request failed; goes into messages so the user can act. */
export interface RequestContext {
  op: string;
  bucket: string;
  key?: string | undefined;
  endpoint: string;
  attempts?: number;
  /** The `profile` option, to name it when it gives no credentials. */
  profile?: string | undefined;
}

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $fault?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);
const THROTTLE_NAMES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'ServiceUnavailable', 'RequestThrottled']);
const CREDENTIAL_NAMES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'InvalidSecurity', 'TokenRefreshRequired', 'InvalidClientTokenId']);

/** HTTP status of an SDK error, if it got a response. */
export function statusOf(err: unknown): number | undefined {
  return (err as SdkLikeError | undefined)?.$metadata?.httpStatusCode;
}

export function nameOf(err: unknown): string {
  const e = err as SdkLikeError | undefined;
  return e?.name ?? e?.Code ?? 'Error';
}

function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as SdkLikeError).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    const msg = (e as SdkLikeError).message ?? '';
    if (/socket hang up|aborted|premature close|other side closed/i.test(msg)) return 'ECONNRESET';
    e = (e as SdkLikeError).cause;
  }
  return undefined;
}

function isTimeout(err: unknown): boolean {
  const name = nameOf(err);
  return name === 'TimeoutError' || name === 'RequestTimeout' || name === 'RequestTimeoutException' || (err as SdkLikeError)?.code === 'ETIMEDOUT';
}

/** Transient failures worth another attempt: 5xx, throttling, timeouts, dropped connections. */
/** Network codes that mean nothing is there: no listener, no such host, no route. */
const ABSENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether a failure found no server at all (refused, unknown host, no route, or a
 * connection that was never established in `connectTimeoutMs`), as opposed to a server
 * that is there but slow, throttling or dropping connections: those get every retry.
 */
export function serverAbsent(err: unknown): boolean {
  const code = networkCode(err);
  if (code && ABSENT_CODES.has(code)) return true;
  return isTimeout(err) && /without establishing a connection/i.test((err as SdkLikeError)?.message ?? '');
}

export function isRetryable(err: unknown): boolean {
  // Another server's page: only a proxy's 5xx/429 page may be gone on the next attempt.
  if (err instanceof NotS3Response) return err.answer.status >= 500 || err.answer.status === 429;
  if (err instanceof AeroError) return err.code === S3ErrorCodes.S3_DIGEST_MISMATCH && Boolean(err.details?.['retryable']);
  const status = statusOf(err);
  const name = nameOf(err);
  if (CREDENTIAL_NAMES.has(name) || name === 'CredentialsProviderError') return false;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (THROTTLE_NAMES.has(name) || name === 'InternalError') return true;
  // S3 answers 409 when two conditional writes race; the retry gets the real 412 or 200.
  if (name === 'ConditionalRequestConflict') return true;
  if (isTimeout(err)) return true;
  if (networkCode(err)) return true;
  // A truncated XML body from a dropped connection surfaces as a deserialization error.
  if (status === undefined && /deserializ|Unexpected end|XML|char .* is not expected/i.test((err as SdkLikeError)?.message ?? '')) return true;
  return false;
}

function where(ctx: RequestContext): string {
  return ctx.key !== undefined ? `s3://${ctx.bucket}/${ctx.key}` : `s3://${ctx.bucket}`;
}

/** Turns an AWS SDK / network failure into an AeroError that says what to check. */
export function toAeroError(cause: unknown, ctx: RequestContext): AeroError {
  if (cause instanceof AeroError) return cause;
  const name = nameOf(cause);
  const status = statusOf(cause);
  const detail = (cause as SdkLikeError)?.message ?? String(cause);
  const attempts = ctx.attempts && ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : '';
  const err = (code: S3ErrorCode, message: string, hint: string, extra: Record<string, unknown> = {}): AeroError =>
    s3Errors.create(code, message, { hint, cause, details: { op: ctx.op, bucket: ctx.bucket, key: ctx.key, endpoint: ctx.endpoint, status, sdkError: name, ...extra } });

  if (name === 'CredentialsProviderError' || /Could not load credentials|credential.*not.*found/i.test(detail)) {
    const profile = chosenProfile(ctx.profile);
    if (profile) {
      return err(
        S3ErrorCodes.S3_CREDENTIALS_MISSING,
        profileProblem(profile, where(ctx)),
        'With a profile chosen the SDK skips AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; it reads profiles from AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) and AWS_CONFIG_FILE (default ~/.aws/config, as `[profile name]`).',
        { profile: profile.name },
      );
    }
    return err(
      S3ErrorCodes.S3_CREDENTIALS_MISSING,
      `No AWS credentials found for ${where(ctx)}. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with AWS_PROFILE (or the \`profile\` option), or pass \`credentials\` to s3Store.`,
      'The AWS SDK looks in the environment, ~/.aws/credentials and ~/.aws/config, SSO, and the instance metadata service, in that order.',
    );
  }
  // Before the status-based branches: another server's 403 or 404 page says nothing about S3.
  const answer = notS3Answer(cause);
  if (answer) {
    return err(
      S3ErrorCodes.S3_ENDPOINT_NOT_S3,
      `${ctx.endpoint} did not answer like an S3 server: ${ctx.op} of ${where(ctx)} got ${describeAnswer(answer)}${attempts}. Check the \`endpoint\` option: it must be the URL of the S3 API, not of another service on that host (a web UI, a tracking server, a proxy's login page).`,
      `\`curl -si ${ctx.endpoint}\` shows what answers there; an S3 server answers with XML (without credentials, usually an AccessDenied error).`,
      { answer: { status: answer.status, contentType: answer.contentType } },
    );
  }
  if (CREDENTIAL_NAMES.has(name)) {
    return err(
      S3ErrorCodes.S3_CREDENTIALS_INVALID,
      `${ctx.endpoint} rejected the credentials (${name}) on ${ctx.op} of ${where(ctx)}. Check the access key id and secret (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the \`credentials\` option), that a session token is not expired, and that the endpoint is the server the keys belong to.`,
      'Print the identity in use with `aws sts get-caller-identity` (AWS) or the server admin tool.',
    );
  }
  if (name === 'NoSuchBucket' || (name === 'NotFound' && ctx.op === 'HeadBucket')) {
    return err(
      S3ErrorCodes.S3_BUCKET_NOT_FOUND,
      `Bucket \`${ctx.bucket}\` does not exist at ${ctx.endpoint}. Create it (e.g. \`aws s3 mb s3://${ctx.bucket}\`) or fix the \`bucket\`, \`endpoint\` and \`region\` options.`,
      'aero never creates buckets: the bucket, its region and its lifecycle rules are yours to choose.',
    );
  }
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IllegalLocationConstraintException' || status === 301) {
    return err(
      S3ErrorCodes.S3_WRONG_REGION,
      `Bucket \`${ctx.bucket}\` is in another region than the one configured (${name}). Set the \`region\` option (or AWS_REGION) to the bucket's region.`,
      'The bucket region is shown by `aws s3api get-bucket-location --bucket <name>`.',
    );
  }
  if (name === 'AccessDenied' || name === 'AllAccessDisabled' || name === 'Forbidden' || status === 403) {
    return err(
      S3ErrorCodes.S3_ACCESS_DENIED,
      `Access denied for ${ctx.op} on ${where(ctx)}. The credentials are valid but their policy does not allow this: grant s3:GetObject, s3:PutObject, s3:DeleteObject, s3:ListBucket, s3:ListBucketMultipartUploads and s3:AbortMultipartUpload on the bucket and its prefix.`,
      'Check the IAM/bucket policy attached to the credentials in use (AWS_PROFILE, AWS_ACCESS_KEY_ID or the `credentials` option).',
    );
  }
  if (isTimeout(cause)) {
    return err(
      S3ErrorCodes.S3_TIMEOUT,
      `${ctx.op} of ${where(ctx)} timed out${attempts} at ${ctx.endpoint}. Check that the server is healthy and reachable, or raise \`requestTimeoutMs\`/\`connectTimeoutMs\`.`,
      'Slow links to far regions need larger timeouts; a stuck server needs a restart.',
    );
  }
  const net = networkCode(cause);
  if (net) {
    return err(
      S3ErrorCodes.S3_ENDPOINT_UNREACHABLE,
      `Cannot reach the S3 endpoint ${ctx.endpoint} (${net})${attempts} during ${ctx.op} of ${where(ctx)}. Check the \`endpoint\` option, that the server is running and listening, and any proxy or firewall in between.`,
      `Is anything listening there? \`curl -sI ${ctx.endpoint}\` prints the server's answer, or why there is none.`,
      { networkCode: net },
    );
  }
  if (THROTTLE_NAMES.has(name) || status === 429 || status === 503) {
    return err(
      S3ErrorCodes.S3_THROTTLED,
      `The S3 server kept throttling or refusing ${ctx.op} of ${where(ctx)} (${name}, HTTP ${status ?? '?'})${attempts}. Lower \`maxConcurrentRequests\`/\`partConcurrency\`, or raise \`retry.attempts\`.`,
      'S3 throttles per prefix; spreading load over time or prefixes helps.',
    );
  }
  return err(
    S3ErrorCodes.S3_REQUEST_FAILED,
    `S3 ${ctx.op} of ${where(ctx)} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${detail}${attempts}.`,
    'If the server is S3-compatible rather than AWS, check that it supports this operation.',
  );
}

/** A downloaded (or uploaded) body did not hash to the expected sha256. */
export function digestMismatch(ctx: RequestContext, expected: string, actual: string, retryable = false): AeroError {
  return s3Errors.create(
    S3ErrorCodes.S3_DIGEST_MISMATCH,
    `Content of ${where(ctx)} does not match its sha256: expected ${expected}, got ${actual}. The object is corrupt or was changed while being transferred; nothing was written locally.`,
    {
      hint: 'Run the action again to recreate the blob, or delete the object so the next run uploads it again.',
      details: { op: ctx.op, bucket: ctx.bucket, key: ctx.key, expected, actual, retryable },
    },
  );
}
