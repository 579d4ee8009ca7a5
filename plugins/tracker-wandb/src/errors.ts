import { AeroError } from '@aeroml/core';

export const PLUGIN = '@aeroml/tracker-wandb';

/** Error codes raised by @aeroml/tracker-wandb (permanent: docs and tests refer to them). */
export const WandbErrorCodes = {
  /** No API key: everything stays spooled until `aero sync wandb` runs with one. */
  WANDB_NO_API_KEY: 'WANDB_NO_API_KEY',
  /** The service answered 401: the key is wrong or revoked. */
  WANDB_AUTH_FAILED: 'WANDB_AUTH_FAILED',
  /** Network errors, 429 or 5xx outlasted the retries: operations stay spooled. */
  WANDB_UNREACHABLE: 'WANDB_UNREACHABLE',
  /** The service refused some operations (4xx / GraphQL errors): they stay spooled. */
  WANDB_REQUEST_REJECTED: 'WANDB_REQUEST_REJECTED',
  /** No entity configured and the API key's user has none. */
  WANDB_ENTITY_UNKNOWN: 'WANDB_ENTITY_UNKNOWN',
  /** A spool file cannot be read back. */
  WANDB_SPOOL_CORRUPT: 'WANDB_SPOOL_CORRUPT',
  /** A tracker call named a run that `startRun` never opened. */
  WANDB_RUN_NOT_STARTED: 'WANDB_RUN_NOT_STARTED',
} as const;
export type WandbErrorCode = (typeof WandbErrorCodes)[keyof typeof WandbErrorCodes];

export function wandbError(code: WandbErrorCode, message: string, options: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {}): AeroError {
  return new AeroError(code, message, { ...options, plugin: PLUGIN });
}
