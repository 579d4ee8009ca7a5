import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobResult } from './contracts/launcher.js';
import { ErrorCodes, isAeroError } from './errors.js';

export type JobError = NonNullable<JobResult['error']>;

/**
 * The first stack frame in the user's own code: a file inside the project, outside
 * node_modules. Node internals and aero's own modules (wherever they are installed)
 * say nothing about where the user's action went wrong.
 */
export function firstUserFrame(stack: string | undefined, cwd: string): string | undefined {
  if (!stack) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const m = /^\s*at (?:(.*?) \()?((?:file:\/\/)?[^()]+?):(\d+):(\d+)\)?$/.exec(line);
    if (!m) continue;
    const [, fn, location, row, col] = m;
    let file = location!;
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    if (!isAbsolute(file)) continue; // node:internal/…, native, eval
    const rel = relative(cwd, file);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('node_modules')) continue;
    return `${fn ? `${fn} ` : ''}(${rel}:${row}:${col})`;
  }
  return undefined;
}

/**
 * What a job reports for an error its action threw. An AeroError keeps its code and
 * hint; anything else is ACTION_FAILED with the error's message and the first frame in
 * user code. The whole stack travels along for the instance's log.
 */
export function toJobError(error: unknown, spec: { instanceId: string; cwd: string }): JobError {
  const stack = (error as Error)?.stack;
  if (isAeroError(error)) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), ...(stack ? { stack } : {}) };
  const message = (error as Error)?.message ?? String(error);
  const frame = firstUserFrame(stack, spec.cwd);
  return {
    code: ErrorCodes.ACTION_FAILED,
    message: `Action \`${spec.instanceId}\` threw: ${message}${frame ? `\n  at ${frame}` : ''}`,
    ...(stack ? { stack } : {}),
  };
}

/** The lines a failure adds to the instance's log: the code, the message and the stack. */
export function failureLogLines(error: JobError): string[] {
  const lines = `${error.code}: ${error.message}`.split('\n').map((l) => `[error] ${l}`);
  if (error.stack) lines.push(...error.stack.split('\n').slice(1).map((l) => `[error] ${l.trim()}`));
  return lines;
}

/**
 * The error as the run reports it: without the stack (it is in the log), with a hint
 * that says where the log is and the command that prints it, unless the error has its
 * own hint (then the log pointer follows it).
 */
export function withLogPointer(error: JobError, where: { runId: string; instanceId: string; logPath: string }): JobError {
  const { stack: _stack, ...rest } = error;
  const id = /^[\w.-]+$/.test(where.instanceId) ? where.instanceId : `'${where.instanceId}'`;
  const pointer = `the log is ${where.logPath}; print it with \`aero logs ${where.runId} ${id}\``;
  return { ...rest, hint: rest.hint ? `${rest.hint} (${pointer})` : `${pointer[0]!.toUpperCase()}${pointer.slice(1)}.` };
}
