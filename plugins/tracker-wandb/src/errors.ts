import { defineErrors } from '@aeroml/core';

export const PLUGIN = '@aeroml/tracker-wandb';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const wandbErrors = defineErrors(
  {
    WANDB_NO_API_KEY: { title: 'No API key: everything stays spooled until `aero sync wandb` runs with one', exit: 1, message: () => 'No W&B API key found, so nothing was sent: N operations are spooled in <dir>. Set WANDB_API_KEY (or `apiKey` in wandbTracker) and run `aero sync wandb` to upload them.', hint: 'Set the key and sync; or set `mode: \'offline\'` to spool on purpose.' },
    WANDB_AUTH_FAILED: { title: 'The service answered 401: the key is wrong or revoked', exit: 1, message: () => 'W&B at <url> rejected the API key from <source> (Viewer: HTTP 401: …); N operations stay spooled in <dir>.', hint: 'Fix the key, then `aero sync wandb`.' },
    WANDB_UNREACHABLE: { title: 'Network errors, 429 or 5xx outlasted the retries: operations stay spooled', exit: 1, message: () => 'Could not reach W&B at <url> (<last error>, gave up after N attempts); M operations stay spooled in <dir>. Run `aero sync wandb` once the service is reachable.', hint: 'Wait for the service (or the network), then sync.' },
    WANDB_REQUEST_REJECTED: { title: 'The service refused some operations (4xx / GraphQL errors): they stay spooled', exit: 1, message: () => 'W&B refused N operations (first, op <seq>: <operation>: HTTP <status>: <message>); they stay spooled in <dir>.', hint: 'Fix the cause (entity permissions, names); `aero sync wandb` retries refused operations.' },
    WANDB_ENTITY_UNKNOWN: { title: 'No entity configured and the API key\'s user has none', exit: 1, message: () => 'W&B did not say which entity the API key belongs to, so the tracker does not know where to log.', hint: 'Set `entity` or `WANDB_ENTITY`.' },
    WANDB_SPOOL_CORRUPT: { title: 'A spool file cannot be read back', exit: 1, message: () => 'The W&B spool <file> has an unreadable line N; …` / `The W&B spool state <file> cannot be read.', hint: 'Repair or remove the damaged line; deleting `state.json` resends everything (harmless: requests are idempotent).' },
    WANDB_RUN_NOT_STARTED: { title: 'A tracker call named a run that `startRun` never opened', exit: 1, message: () => 'The W&B tracker got a call for run <id>, which startRun() never opened.', hint: 'A bug in the caller: call `startRun`/`startAction` first.' },
  },
  { plugin: PLUGIN },
);

/** Error codes raised by @aeroml/tracker-wandb (permanent: docs and tests refer to them). */
export const WandbErrorCodes = wandbErrors.codes;
export type WandbErrorCode = (typeof WandbErrorCodes)[keyof typeof WandbErrorCodes];
/** An AeroError of this package with the message written where it is raised. */
export const wandbError = wandbErrors.create;
