import type { IO } from './io.js';

/**
 * Ctrl-C (or SIGTERM) for a command that can stop cleanly: the first one prints `notice` and
 * aborts `signal`, so the command cancels what is running and records what finished; a
 * second one leaves at once (exit 130). `release()` removes the handlers.
 */
export function twoStageInterrupt(io: IO, notice: string): { signal: AbortSignal; abort(): void; release(): void } {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      io.err(notice);
      controller.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    /** Stops as the first Ctrl-C does, for another reason (the caller says which). */
    abort: () => {
      interrupts = Math.max(interrupts, 1);
      controller.abort();
    },
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
