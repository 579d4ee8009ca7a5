import type { Logger } from '@aeroml/core';
import type { IO } from './io.js';

/**
 * The logger the CLI hands the engine and its plugins (a tracker's "metric name changed",
 * a launcher's "reattached to job"): without one they write to the core's silent logger
 * and every warning a plugin promises is lost. Warnings and errors go to stderr (or as
 * `{"type":"warning"}` lines with --json), info too; debug lines only with AERO_DEBUG=1.
 * main sets the IO once; a config's own `logger` still wins (see project.ts).
 */
let current: Logger | undefined;

export function useCliLogger(io: IO, options: { json: boolean }): void {
  const line = (level: 'warning' | 'error' | 'info' | 'debug', message: string, fields?: Record<string, unknown>) => {
    const extra = level === 'debug' && fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    if (options.json) io.out(JSON.stringify({ type: level === 'error' ? 'warning' : level, message: `${message}${extra}` }));
    else io.err(`[aero] ${level === 'info' ? '' : `${level}: `}${message}${extra}`);
  };
  current = {
    debug: (message, fields) => {
      if (process.env.AERO_DEBUG === '1') line('debug', message, fields);
    },
    info: (message) => line('info', message),
    warn: (message) => line('warning', message),
    error: (message) => line('error', message),
  };
}

/** The CLI's logger, or undefined when main did not set one (the core's silent logger then). */
export function cliLogger(): Logger | undefined {
  return current;
}
