import type { AeroEvent } from '@aeroml/core';
import { formatDuration, paint, type IO } from './io.js';

const SYMBOL: Record<string, [string, number]> = {
  ran: ['✓', 32],
  cached: ['●', 36],
  failed: ['✗', 31],
  skipped: ['-', 90],
  interrupted: ['!', 33],
  'would-run': ['→', 33],
};

/**
 * Renders engine events: NDJSON with --json, a live status line on a TTY, one line per
 * event otherwise (CI logs, pipes).
 */
export function createReporter(io: IO, mode: { json: boolean }): (event: AeroEvent) => void {
  if (mode.json) return (event) => io.out(JSON.stringify(event));
  const live = io.isTTY;
  let total = 0;
  let done = 0;
  let wouldRun = 0;
  let dryRun = false;
  const running = new Set<string>();
  let statusShown = false;
  const clearStatus = () => {
    if (live && statusShown) io.raw('\r\x1b[2K');
    statusShown = false;
  };
  const drawStatus = () => {
    if (!live) return;
    const names = [...running].slice(0, 3).join(', ') + (running.size > 3 ? ` +${running.size - 3}` : '');
    io.raw(`\r\x1b[2K${paint(io, 90, `[${done}/${total}]`)} ${running.size ? `running ${names}` : ''}`);
    statusShown = true;
  };
  const line = (text: string) => {
    clearStatus();
    io.out(text);
    drawStatus();
  };
  return (event) => {
    switch (event.type) {
      case 'run:start':
        total = event.total;
        dryRun = event.dryRun;
        line(`${event.dryRun ? 'dry run' : 'run'} ${event.runId}: ${event.total} action instance(s), launcher ${event.launcher}`);
        break;
      case 'action:start':
        running.add(event.instanceId);
        if (!live) io.out(`  … ${event.instanceId} started`);
        else drawStatus();
        break;
      case 'action:log':
        line(paint(io, 90, `  ${event.instanceId} | `) + event.line);
        break;
      case 'action:status':
        if (!live) io.out(`  … ${event.instanceId} ${event.state}${event.reason ? ` (${event.reason})` : ''}`);
        break;
      case 'action:end': {
        running.delete(event.instanceId);
        done++;
        if (event.status === 'would-run') wouldRun++;
        const [symbol, color] = SYMBOL[event.status] ?? ['?', 0];
        const status = event.status === 'would-run' ? 'would run' : event.status;
        let text = `${paint(io, color, symbol)} ${status.padEnd(11)} ${event.instanceId}`;
        if (event.status === 'ran' || event.status === 'failed') text += paint(io, 90, ` (${formatDuration(event.durationMs)})`);
        if (event.reason) text += paint(io, 90, `: ${event.reason}`);
        if (event.error) text += `\n    ${`${event.error.code}: ${event.error.message}`.split('\n').join('\n    ')}${event.error.hint ? `\n    hint: ${event.error.hint}` : ''}`;
        line(text);
        break;
      }
      case 'warning':
        line(paint(io, 33, `[aero] warning: ${event.message}`));
        break;
      case 'run:end': {
        clearStatus();
        const c = event.counts;
        if (dryRun) {
          io.out(`dry run: ${wouldRun} would run, ${c.cached} cached${c.skipped ? `, ${c.skipped} skipped` : ''} (nothing was run)`);
          break;
        }
        io.out(`${event.status} in ${formatDuration(event.durationMs)}: ${c.ran} ran, ${c.cached} cached, ${c.failed} failed, ${c.skipped} skipped${c.interrupted ? `, ${c.interrupted} interrupted` : ''} (run ${event.runId})`);
        break;
      }
      default:
        break;
    }
  };
}
