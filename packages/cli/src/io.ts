/** Where the CLI writes; tests capture it. Only the CLI prints, never the core. */
export interface IO {
  out(text: string): void;
  err(text: string): void;
  /** Write without a newline (live progress). */
  raw(text: string): void;
  isTTY: boolean;
  color: boolean;
}

export function createIO(): IO {
  const isTTY = Boolean(process.stdout.isTTY) && process.env.CI !== 'true';
  const stdout = bufferedStdout();
  return {
    out: (text) => stdout.write(text + '\n'),
    err: (text) => {
      stdout.flush(); // keep stdout and stderr in order when both go to one place
      process.stderr.write(text + '\n');
    },
    raw: (text) => stdout.write(text),
    isTTY,
    color: isTTY && !process.env.NO_COLOR,
  };
}

/**
 * stdout writes collected and written once per event-loop turn (or per 64 KiB). Writes to
 * a pipe or file are synchronous system calls in Node; a 10,000-action run prints 20,000
 * lines, and one write each cost more than a trivial action itself. A TTY still sees the
 * live status line within the same turn; `process.exit` (second Ctrl-C) flushes first.
 */
function bufferedStdout(): { write(text: string): void; flush(): void } {
  let pending: string[] = [];
  let size = 0;
  let scheduled = false;
  // The reader went away (`aero run | head`): drop further output but finish the command,
  // so a run is not cut short by whoever reads its log.
  let closed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  const flush = () => {
    scheduled = false;
    if (closed) pending = [];
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    process.stdout.write(text);
  };
  process.on('exit', flush);
  return {
    write(text) {
      pending.push(text);
      size += text.length;
      if (size >= 64 * 1024) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

export function paint(io: IO, code: number, text: string): string {
  return io.color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** Fixed-width columns, no dependency. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}
