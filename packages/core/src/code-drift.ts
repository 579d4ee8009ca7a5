import type { Aero } from './engine.js';
import type { RunRecord } from './runs.js';

export interface CodeDrift {
  action: string;
  /** Files whose digest differs (added, removed or edited); empty when only the kind changed. */
  files: string[];
}

/**
 * Actions whose code identity today differs from the one recorded when `run` ran them
 * (from the cache entries its instances point to). `aero run --from RUN` replays that
 * run's params; with different code it does not reproduce that run, and says so.
 * Actions the run did not run, or whose entries are gone (gc), cannot be compared and
 * are left out.
 */
export async function codeDriftSince(aero: Aero, run: RunRecord): Promise<CodeDrift[]> {
  const drift: CodeDrift[] = [];
  for (const action of aero.actions) {
    const entry = run.actions.find((a) => a.action === action.name && a.cacheKey && (a.status === 'ran' || a.status === 'cached'));
    if (!entry) continue;
    const then = (await (await aero.cacheEntries()).get(entry.cacheKey!)).entry;
    if (!then?.components) continue;
    const now = await aero.fingerprint(action);
    if (now.digest === then.components.code) continue;
    const before = then.components.codeFiles ?? {};
    const names = new Set([...Object.keys(before), ...Object.keys(now.files)]);
    // Code identity keys can name a part of a file (`src/train.ts#action train`): report the file.
    const files = new Set([...names].filter((f) => before[f] !== now.files[f]).map((f) => f.split('#')[0]!));
    drift.push({ action: action.name, files: [...files].sort() });
  }
  return drift;
}
