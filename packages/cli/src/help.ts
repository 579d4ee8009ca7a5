import { repository } from '../package.json';
import type { CommandSpec } from './args.js';

/** The getting-started guide, on the repository named in package.json (a URL, not a path in a checkout). */
export const DOCS_URL = `${repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/blob/main/docs/getting-started.md`;

const cmd = (m: () => Promise<{ default: CommandSpec['load'] extends () => Promise<infer C> ? C : never }>) => async () => (await m()).default;

export const COMMANDS: Record<string, CommandSpec> = {
  run: {
    summary: 'Run the pipeline (only what changed)',
    usage: 'aero run [--only a,b] [--dry-run] [--force] [--dev] [-j N] [--launcher L] [--keep-going] [-m] [--from RUN] [--gpus N|IDS] [key=value ...]',
    options: {
      only: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', short: 'n' },
      force: { type: 'boolean', short: 'f' },
      dev: { type: 'boolean' },
      jobs: { type: 'string', short: 'j' },
      launcher: { type: 'string', short: 'l' },
      'keep-going': { type: 'boolean', short: 'k' },
      multirun: { type: 'boolean', short: 'm' },
      from: { type: 'string' },
      name: { type: 'string' },
      tag: { type: 'string', multiple: true },
      gpus: { type: 'string' },
    },
    positionals: 'many',
    details: `Selectors for --only match an action name, group, type, output name, or a partition: simulate[split=test].
--only keeps the selected actions' upstream in the plan (served from cache when unchanged).
key=value arguments override params (train.lr=0.01); with a config loader also its own syntax (model=large, +x=1, ~y).
-m/--multirun expands comma lists and range(...) into one run per combination (a sweep).
--gpus N (a count) or --gpus 0,3 (device ids): the GPUs of this machine, handed out to actions by resources.gpus (default: config gpus, else nvidia-smi -L).
--from RUN reruns with exactly the params and overrides recorded by RUN (and warns when an action's code differs from RUN's).
Exit codes: 0 ok, 1 an action failed, 2 usage or config error, 130 interrupted.`,
    load: cmd(() => import('./commands/run.js')),
  },
  tune: {
    summary: 'Search hyperparameters: each trial a cached run, the study resumable (Optuna samplers)',
    usage: 'aero tune [space and fixed overrides...] --objective ACTION.METRIC[:min|max|last] --direction minimize|maximize --trials N [--sampler grid|random|tpe|cmaes|gp] [--pruner none|median|asha] [--seed S] [-j N] [--launcher L] [--study NAME] [--python PY] | aero tune show [--study NAME]',
    options: {
      objective: { type: 'string', multiple: true },
      direction: { type: 'string', multiple: true },
      trials: { type: 'string', short: 'n' },
      sampler: { type: 'string', short: 's' },
      pruner: { type: 'string' },
      seed: { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      launcher: { type: 'string', short: 'l' },
      study: { type: 'string' },
      python: { type: 'string' },
    },
    positionals: 'many',
    details: `The space uses the Hydra Optuna sweeper's grammar: x=interval(-10,10), lr=tag(log, interval(1e-5,1e-1)),
n=range(1,10) (stops before 10, as in aero run -m), opt=choice(adam,sgd), d=tag(int, interval(2,8)); other key=value are fixed.
The objective is the metric's last value logged by the action (or :min / :max); two --objective with two --direction for multi-objective.
Rerunning the same command resumes the study (.aero/tune/<study>/) and runs no trial twice; --trials 50 after 40 runs 10 more.
-j N runs N trials at once. tpe, cmaes, gp and the pruners run in Optuna (AERO_OPTUNA_PYTHON, --python or python3).
aero tune show prints the trials best first, the best params and the command that runs them.
Exit codes: 0 a trial completed, 1 none did, 2 usage or config error, 130 interrupted.`,
    load: cmd(() => import('./commands/tune.js')),
  },
  list: { summary: 'List the actions of the pipeline', usage: 'aero list', options: {}, load: cmd(() => import('./commands/list.js')) },
  graph: {
    summary: 'Print the DAG as Mermaid or Graphviz dot',
    usage: 'aero graph [--format mermaid|dot] [--instances]',
    options: { format: { type: 'string' }, instances: { type: 'boolean' } },
    load: cmd(() => import('./commands/graph.js')),
  },
  ps: {
    summary: 'List runs (newest first; the runs of a sweep together)',
    usage: 'aero ps [--limit N] [--all] [--sweep ID]',
    options: { limit: { type: 'string' }, all: { type: 'boolean', short: 'a' }, sweep: { type: 'string' } }, load: cmd(() => import('./commands/ps.js')) },
  show: { summary: 'Show one run: status, params, actions, snapshot', usage: 'aero show [RUN] [--sources]', options: { sources: { type: 'boolean' } }, positionals: ['run'], load: cmd(() => import('./commands/show.js')) },
  logs: { summary: 'Print the log of an action in a run', usage: 'aero logs RUN ACTION', options: {}, positionals: ['run', 'action'], load: cmd(() => import('./commands/logs.js')) },
  why: { summary: 'Explain why an action would run or be cached', usage: 'aero why ACTION [key=value ...]', options: {}, positionals: 'many', load: cmd(() => import('./commands/why.js')) },
  artifacts: { summary: 'List artifact versions in the store', usage: 'aero artifacts [NAME]', options: {}, positionals: ['name'], load: cmd(() => import('./commands/artifacts.js')) },
  lineage: { summary: 'Show how an artifact was produced, recursively', usage: 'aero lineage NAME[@DIGEST]', options: {}, positionals: ['artifact'], load: cmd(() => import('./commands/lineage.js')) },
  gc: {
    summary: 'Delete artifacts, blobs and cache entries no run references',
    usage: 'aero gc [--dry-run] [--keep-runs N]',
    options: { 'dry-run': { type: 'boolean', short: 'n' }, 'keep-runs': { type: 'string' } },
    load: cmd(() => import('./commands/gc.js')),
  },
  verify: {
    summary: 'Rehash the store; move blobs and manifests that do not match their digest to quarantine/',
    usage: 'aero verify [--dry-run]',
    options: { 'dry-run': { type: 'boolean', short: 'n' } },
    details: `Every blob and manifest is read and hashed. One whose bytes do not match the digest in its name
is moved to .aero/quarantine/<key> (not deleted), so the next \`aero run\` reruns the actions that produced it.
--dry-run only reports. Exit codes: 0 the store is sound, 1 something did not match (STORE_CORRUPT).`,
    load: cmd(() => import('./commands/verify.js')),
  },
  ui: {
    summary: 'Browse runs, metric charts, the DAG, lineage and sweeps in a browser (read-only, local)',
    usage: 'aero ui [--port 4173] [--host 127.0.0.1] [--open]',
    options: { port: { type: 'string', short: 'p' }, host: { type: 'string' }, open: { type: 'boolean' } },
    details: `Serves the project's store (local or S3) read-only on http://127.0.0.1:4173/ until Ctrl-C; pages update while a run is going.
--port 0 picks a free port. --host 0.0.0.0 serves every machine that can reach this one (a warning is printed: there is no login).
--open opens the page in the desktop's browser.`,
    load: cmd(() => import('./commands/ui.js')),
  },
  report: {
    summary: 'Write one self-contained HTML report of runs (offline, no network requests)',
    usage: 'aero report [RUN...] [--out report.html]',
    options: { out: { type: 'string', short: 'o' } },
    positionals: 'many',
    details: `RUN is a run id, a unique prefix, a name or latest (the default). The file holds the pages of aero ui for those runs
(DAG, timing, metrics, params, logs, artifact previews, lineage, sweep) with its scripts and data inline; it makes no request.`,
    load: cmd(() => import('./commands/report.js')),
  },
  sync: { summary: "Push trackers' spooled data (offline runs) to their servers", usage: 'aero sync [TRACKER] [--run RUN]', options: { run: { type: 'string' } }, positionals: ['tracker'], load: cmd(() => import('./commands/sync.js')) },
  init: {
    summary: 'Start an aero project in this folder (the npm create aeroml templates)',
    usage: 'aero init [--template ts|yaml|python|plugin] [--plugin-kind handler|tracker|store|launcher] [--name NAME] [--from-tarballs DIR] [--install | --no-install] [--yes]',
    options: {
      template: { type: 'string', short: 't' },
      'plugin-kind': { type: 'string' },
      name: { type: 'string' },
      'from-tarballs': { type: 'string' },
      install: { type: 'boolean' },
      'no-install': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
    },
    details: `Writes the template's files into the project folder (-C DIR or the current one), next to what is there;
it refuses, writing nothing, when any of those files exists. On a terminal it asks for each choice not given;
otherwise pass them as flags, or --yes for the defaults (template ts, install on).`,
    load: cmd(() => import('./commands/init.js')),
  },
  exec: { summary: 'Run one job spec (used by launchers)', usage: 'aero exec --spec JOB.json', options: { spec: { type: 'string' } }, load: cmd(() => import('./commands/exec.js')) },
};

export const HELP = `aero — machine-learning pipelines with versioned artifacts, tracked runs and caching

Usage: aero <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${name.padEnd(10)} ${spec.summary}`)
  .join('\n')}

Options for every command:
  -C, --cwd DIR      project directory (default: current directory)
      --config FILE  config file (default: aero.config.ts)
      --json         machine-readable output (NDJSON events for run)
  -h, --help         help for a command: aero run --help
  -v, --version      print the version

Docs: ${DOCS_URL}`;

export function commandHelp(name: string): string {
  const spec = COMMANDS[name]!;
  const opts = Object.entries(spec.options)
    .map(([k, o]) => `  ${o.short ? `-${o.short}, ` : '    '}--${k}${o.type === 'string' ? ' VALUE' : ''}`)
    .join('\n');
  return `${spec.summary}\n\nUsage: ${spec.usage}\n${opts ? `\nOptions:\n${opts}\n` : ''}${spec.details ? `\n${spec.details}\n` : ''}`;
}
