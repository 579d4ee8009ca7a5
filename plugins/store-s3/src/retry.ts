import { isRetryable, serverAbsent } from './errors.js';

export interface RetryPolicy {
  attempts: number;
  /** Attempts when no server is there at all (see errors.ts serverAbsent); at most `attempts`. */
  unreachableAttempts?: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * cap);
}

export interface RetryState {
  /** 1-based number of the attempt that is running. */
  attempt: number;
}

/**
 * Runs `fn` until it succeeds, fails with a non-retryable error, or the attempts run out.
 * The final error carries `attempts` so messages can say how hard we tried.
 */
export async function withRetry<T>(policy: RetryPolicy, fn: (state: RetryState) => Promise<T>, retryable: (err: unknown) => boolean = isRetryable): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn({ attempt });
    } catch (error) {
      // A wrong endpoint is not retried six times: the error should appear at once.
      const limit = serverAbsent(error) ? Math.min(policy.attempts, policy.unreachableAttempts ?? policy.attempts) : policy.attempts;
      if (attempt >= limit || !retryable(error)) {
        if (error && typeof error === 'object') Object.assign(error, { aeroAttempts: attempt });
        throw error;
      }
      await sleep(backoffDelay(policy, attempt - 1));
    }
  }
}
