import { AeroError, ErrorCodes, defineErrors } from '../errors.js';
import { StoreKeys, instanceDirName } from '../keys.js';
import type { AeroProject } from '../project.js';
import { isStale, type ActionEntry, type RunRecord } from '../runs.js';
import { didYouMean, nearestNames } from '../suggest.js';
import { foldJournalInto } from './stale-run.js';
import { readJson } from './store-json.js';

/** The fields every reader of a run record relies on. */
function isRunRecord(value: unknown): value is RunRecord {
  const r = value as Partial<RunRecord> | null | undefined;
  return Boolean(r) && typeof r === 'object' && typeof r!.id === 'string' && typeof r!.startedAt === 'string' && typeof r!.status === 'string' && Array.isArray(r!.actions);
}

/** All run records, newest first. Runs whose process died are reported as interrupted. */
export async function listRuns(aero: AeroProject): Promise<RunRecord[]> {
  const keys: string[] = [];
  for await (const key of aero.plugins.store.list(StoreKeys.runsPrefix)) if (key.endsWith('/run.json') && key.split('/').length === 3) keys.push(key);
  // A record that is no run record (hand-edited, another tool's file) is skipped as an
  // unreadable one is: one bad file must not break aero ps, gc or show for every run.
  const records = (await Promise.all(keys.map((k) => readJson<RunRecord>(aero.plugins.store, k)))).filter(isRunRecord);
  const stale = records.filter(isStale);
  for (const r of stale) r.status = 'interrupted';
  await Promise.all(stale.map((r) => foldJournalInto(aero.plugins.store, r)));
  return records.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1));
}

/**
 * The codes of run references, declared here beside the resolver that raises them (in the
 * first section of docs/errors.md, with core's other codes).
 */
const runRefErrors = defineErrors(
  {
    RUN_AMBIGUOUS: {
      title: 'a run id prefix that several runs start with (`aero show 2026`): the newest of them are listed',
      exit: 2,
      message: (p: { prefix: string; matches: string }) => `\`${p.prefix}\` matches several runs: ${p.matches}.`,
      hint: 'Give more characters of the run id (`aero ps` lists the runs), the run\'s name (given with `aero run --name NAME`) or `latest`.',
    },
  },
  { plugin: '@aeroml/core', section: 'Errors', scoped: false },
);

/** How many of the runs an ambiguous prefix matches are named in the message. */
const AMBIGUOUS_LISTED = 5;

/** A run by id, unique id prefix, name, or `latest`. */
export async function getRun(aero: AeroProject, ref: string): Promise<RunRecord> {
  const runs = await listRuns(aero);
  // An id wins over a name (`--name` may repeat another run's id), then the newest run of that name.
  const found = ref === 'latest' ? runs[0] : (runs.find((r) => r.id === ref) ?? runs.find((r) => r.name === ref) ?? uniquePrefix(runs, ref));
  if (!found) {
    const matches = ref === '' ? [] : runs.filter((r) => r.id.startsWith(ref));
    if (matches.length > 1) {
      const listed = matches.slice(0, AMBIGUOUS_LISTED).map((r) => (r.name && r.name !== r.id ? `${r.id} (${r.name})` : r.id));
      const more = matches.length - listed.length;
      throw runRefErrors.error('RUN_AMBIGUOUS', { prefix: ref, matches: `${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}` }, {
        details: { matches: matches.map((r) => r.id) },
      });
    }
    throw new AeroError(ErrorCodes.RUN_NOT_FOUND, `No run matches \`${ref}\`${runs.length ? '' : ' (there are no runs yet)'}.`, {
      hint: 'List runs with `aero ps`; use a run id, a unique prefix of one, or `latest`.',
    });
  }
  return found;
}

function uniquePrefix(runs: RunRecord[], prefix: string): RunRecord | undefined {
  if (prefix === '') return undefined;
  const matches = runs.filter((r) => r.id.startsWith(prefix));
  return matches.length === 1 ? matches[0] : undefined;
}

/** How many of a run's action names an unknown-action hint lists. */
const LISTED_ACTIONS = 12;

/** The action entry of a run matching an instance id, or an action name with one instance. */
export function findEntry(run: RunRecord, selector: string): ActionEntry {
  const exact = run.actions.find((a) => a.id === selector);
  if (exact) return exact;
  const byAction = run.actions.filter((a) => a.action === selector);
  if (byAction.length === 1) return byAction[0]!;
  const actions = [...new Set(run.actions.map((a) => a.action))];
  // The nearest action names and instance ids first: a run of 200 instances lists them all otherwise.
  const near = byAction.length > 1 ? [] : nearestNames(selector, [...actions, ...run.actions.map((a) => a.id)]);
  const listed = actions.length > LISTED_ACTIONS ? `${actions.slice(0, LISTED_ACTIONS).join(', ')} and ${actions.length - LISTED_ACTIONS} more` : actions.join(', ');
  throw new AeroError(ErrorCodes.ACTION_NOT_FOUND, byAction.length > 1
    ? `\`${selector}\` has ${byAction.length} instances in run ${run.id}; name one, e.g. \`${byAction[0]!.id}\`.`
    : `Run ${run.id} has no action \`${selector}\`.`, {
    hint: `${near.length > 0 ? `${didYouMean(near)} ` : ''}Actions in this run: ${listed}.`,
    details: { suggestions: near },
  });
}

export async function readLog(aero: AeroProject, run: RunRecord, selector: string): Promise<string> {
  const entry = findEntry(run, selector);
  const bytes = await aero.plugins.store.getBytes(StoreKeys.instanceLog(run.id, instanceDirName(entry.id)));
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}

export async function readSnapshot(aero: AeroProject, run: RunRecord): Promise<{ config: unknown; sources: Record<string, string> }> {
  const config = await readJson<unknown>(aero.plugins.store, StoreKeys.snapshot(run.id, 'config.json'));
  const sources: Record<string, string> = {};
  const prefix = StoreKeys.snapshot(run.id, 'sources/');
  for await (const key of aero.plugins.store.list(prefix)) {
    const bytes = await aero.plugins.store.getBytes(key);
    if (bytes) sources[key.slice(prefix.length)] = Buffer.from(bytes).toString('utf8');
  }
  return { config, sources };
}
