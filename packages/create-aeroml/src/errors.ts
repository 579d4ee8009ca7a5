/**
 * The one error type create-aeroml throws. It has the shape of `AeroError` (name, permanent
 * `code`, `hint`, `format()`) without depending on `@aeroml/core`, so `npm create aeroml`
 * installs nothing else. `exitCode` is 2 for input the user can fix, 1 otherwise.
 */
export class CreateError extends Error {
  override readonly name = 'AeroError';
  readonly code: string;
  readonly hint: string | undefined;
  readonly plugin = 'create-aeroml';
  readonly exitCode: 1 | 2;

  constructor(code: CreateErrorCode, message: string, options: { hint?: string; exitCode?: 1 | 2; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }

  /** `[create-aeroml] CREATE_UNKNOWN_TEMPLATE: Unknown template ...` plus the hint line. */
  format(prefix = '[create-aeroml]'): string {
    return `${prefix} ${this.code}: ${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

export const CreateErrorCodes = {
  UNKNOWN_OPTION: 'CREATE_UNKNOWN_OPTION',
  INVALID_ARGUMENTS: 'CREATE_INVALID_ARGUMENTS',
  UNKNOWN_TEMPLATE: 'CREATE_UNKNOWN_TEMPLATE',
  UNKNOWN_PLUGIN_KIND: 'CREATE_UNKNOWN_PLUGIN_KIND',
  INVALID_NAME: 'CREATE_INVALID_NAME',
  MISSING_CHOICES: 'CREATE_MISSING_CHOICES',
  TARGET_NOT_EMPTY: 'CREATE_TARGET_NOT_EMPTY',
  FILES_EXIST: 'CREATE_FILES_EXIST',
  TARBALLS_NOT_FOUND: 'CREATE_TARBALLS_NOT_FOUND',
  TARBALL_MISSING: 'CREATE_TARBALL_MISSING',
  TARBALL_INVALID: 'CREATE_TARBALL_INVALID',
  INSTALL_FAILED: 'CREATE_INSTALL_FAILED',
} as const;
export type CreateErrorCode = (typeof CreateErrorCodes)[keyof typeof CreateErrorCodes];

export function isCreateError(value: unknown): value is CreateError {
  return value instanceof CreateError;
}
