import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Test-run bookkeeping for the "every declared code is triggered by a test" check
 * (tools/errors/triggered.mjs): with AERO_ERROR_TRACE set to a directory, each code an
 * AeroError is built with is appended to a file of this process there. Child processes
 * (the CLI the tests spawn) inherit the variable, so their codes count too. Off otherwise.
 */
export function traceCode(code: string): void {
  const dir = process.env['AERO_ERROR_TRACE'];
  if (!dir) return;
  try {
    appendFileSync(join(dir, `${process.pid}.codes`), `${code}\n`);
  } catch {
    // A missing trace directory must never turn into a failure of the code under test.
  }
}
