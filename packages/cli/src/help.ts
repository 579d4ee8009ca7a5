import { repository } from '../package.json';
import { GLOBAL_OPTIONS, HELP_OPTIONS, type CommandSpec, type OptionSpec } from './args.js';

/** The getting-started guide, on the repository named in package.json (a URL, not a path in a checkout). */
export const DOCS_URL = `${repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/blob/main/docs/getting-started.md`;

const cmd = (m: () => Promise<{ default: CommandSpec['load'] extends () => Promise<infer C> ? C : never }>) => async () => (await m()).default;

export const COMMANDS: Record<string, CommandSpec> = {
  run: {
    summary: 'Run the pipeline (only what changed)',
    usage: 'aero run [--only a,b] [--dry-run] [--force] [--dev] [-j N] [--launcher L] [--keep-going] [-m] [--from RUN] [--use ACTION.OUTPUT@VERSION] [--gpus N|IDS] [key=value ...]',
    options: {
      only: { type: 'string', multiple: true, value: 'SELECTORS', complete: 'actions', default: 'every action', description: 'Run only these actions (comma-separated names, groups, types, output names or simulate[split=test]) and the upstream they need.' },
      'dry-run': { type: 'boolean', short: 'n', description: 'Plan and print, per instance, cached or would run with the reason; run nothing.' },
      force: { type: 'boolean', short: 'f', description: 'Rerun the selected actions even when they are cached.' },
      dev: { type: 'boolean', description: "Development run: no tracker records it; the docker launcher binds your local source over the image's copy." },
      jobs: { type: 'string', short: 'j', value: 'N', valueType: 'integer', default: 'config concurrency, else the number of CPUs', description: 'How many actions run at once.' },
      launcher: { type: 'string', short: 'l', value: 'NAME', default: "config launcher, else inline", description: "Where actions run: inline, process, or a launcher plugin's name (docker, slurm)." },
      'keep-going': { type: 'boolean', short: 'k', description: 'After an action fails, keep running the actions that do not depend on it.' },
      multirun: { type: 'boolean', short: 'm', description: 'Sweep: expand comma lists and range(...) in key=value into one run per combination.' },
      from: { type: 'string', value: 'RUN', description: "Replay RUN's recorded params and overrides on today's code (warns when the code differs; aero rerun RUN runs RUN's own code)." },
      use: { type: 'string', multiple: true, value: 'ACTION.OUTPUT@VERSION', default: "config use, else none", description: 'Pin an input: every consumer of ACTION.OUTPUT reads that version (a tag, digest prefix or run id) and ACTION does not run. Repeatable.' },
      name: { type: 'string', value: 'NAME', default: 'the run id', description: 'Name of the run, for aero show NAME (a sweep appends -0, -1, ...).' },
      tag: { type: 'string', multiple: true, value: 'KEY=VALUE', description: 'Tag the run for its trackers.' },
      gpus: { type: 'string', value: 'N|IDS', default: 'config gpus, else nvidia-smi -L', description: 'GPUs of this machine to hand out by resources.gpus: a count (2) or device ids (0,3).' },
    },
    positionals: 'many',
    details: `Selectors for --only match an action name, group, type, output name, or a partition: simulate[split=test].
--only keeps the selected actions' upstream in the plan (served from cache when unchanged).
key=value arguments override params (train.lr=0.01); with a config loader also its own syntax (model=large, +x=1, ~y).
-m/--multirun expands comma lists and range(...) into one run per combination (a sweep).
--gpus N (a count) or --gpus 0,3 (device ids): the GPUs of this machine, handed out to actions by resources.gpus (default: config gpus, else nvidia-smi -L).
--from RUN replays the params and overrides recorded by RUN on today's code (and warns when an action's code differs; aero rerun RUN runs RUN's code).
--use prep.data@best pins an input version (a tag from aero tag, a digest prefix, a run id or latest): prep does not run, its consumers read that version.
Exit codes: 0 ok, 1 an action failed, 2 usage or config error, 130 interrupted.`,
    load: cmd(() => import('./commands/run.js')),
  },
  tune: {
    summary: 'Search hyperparameters: each trial a cached run, the study resumable (Optuna samplers)',
    usage: 'aero tune [space and fixed overrides...] --objective ACTION.METRIC[:min|max|last] --direction minimize|maximize --trials N [--sampler grid|random|tpe|cmaes|gp] [--pruner none|median|asha] [--seed S] [-j N] [--launcher L] [--study NAME] [--python PY] | aero tune show [--study NAME]',
    options: {
      objective: { type: 'string', multiple: true, value: 'ACTION.METRIC[:min|max|last]', default: 'config tune.objective', description: "The metric to optimise: its last value logged by the action, or its min or max; one per objective." },
      direction: { type: 'string', multiple: true, value: 'minimize|maximize', valueType: 'choice', default: 'config tune.direction, else minimize', complete: ['minimize', 'maximize'], description: 'Whether lower or higher is better, one per --objective.' },
      trials: { type: 'string', short: 'n', value: 'N', valueType: 'integer', default: 'config tune.trials', description: 'Trials in the study in all, counting those already run (a rerun with more runs only the new ones).' },
      sampler: { type: 'string', short: 's', value: 'grid|random|tpe|cmaes|gp', valueType: 'choice', default: 'config tune.sampler, else tpe', complete: ['grid', 'random', 'tpe', 'cmaes', 'gp'], description: 'How the next trial is chosen: grid and random in aero, the others in Optuna.' },
      pruner: { type: 'string', value: 'none|median|asha', valueType: 'choice', default: 'config tune.pruner, else none', complete: ['none', 'median', 'asha'], description: 'Stop unpromising trials early from their logged metrics (Optuna).' },
      seed: { type: 'string', value: 'S', valueType: 'integer', default: 'config tune.seed, else 0', description: "The samplers' random seed: the same seed proposes the same trials." },
      jobs: { type: 'string', short: 'j', value: 'N', valueType: 'integer', default: 'config tune.parallel, else 1', description: 'How many trials run at once.' },
      launcher: { type: 'string', short: 'l', value: 'NAME', default: 'config launcher, else inline', description: "Where each trial's actions run: inline, process, or a launcher plugin's name." },
      study: { type: 'string', value: 'NAME', default: 'config tune.study, else ACTION-METRIC-<hash of the study>', description: 'Name of the study under .aero/tune/; the same name resumes it.' },
      python: { type: 'string', value: 'PY', valueType: 'path', default: '$AERO_OPTUNA_PYTHON, else python3', complete: 'files', description: 'Python that has optuna, for tpe, cmaes, gp and the pruners.' },
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
    options: {
      format: { type: 'string', value: 'mermaid|dot', valueType: 'choice', default: 'mermaid', complete: ['mermaid', 'dot'], description: 'Output format: Mermaid (GitHub renders it) or Graphviz dot.' },
      instances: { type: 'boolean', description: 'One node per action instance (each partition key) instead of one per action.' },
    },
    load: cmd(() => import('./commands/graph.js')),
  },
  ps: {
    summary: 'List runs (newest first; the runs of a sweep together)',
    usage: 'aero ps [--limit N] [--all] [--sweep ID]',
    options: {
      limit: { type: 'string', value: 'N', valueType: 'integer', default: '20', description: 'Show at most N runs.' },
      all: { type: 'boolean', short: 'a', description: 'Show every run (no limit).' },
      sweep: { type: 'string', value: 'ID', description: 'Only the runs of this sweep (its id, as in the SWEEP column).' },
    },
    load: cmd(() => import('./commands/ps.js')),
  },
  show: { summary: 'Show one run: status, params, actions, snapshot', usage: 'aero show [RUN] [--sources]', options: { sources: { type: 'boolean', description: "Also print the source files saved in the run's snapshot." } }, positionals: ['run'], load: cmd(() => import('./commands/show.js')) },
  logs: { summary: 'Print the log of an action in a run', usage: 'aero logs RUN ACTION', options: {}, positionals: ['run', 'action'], load: cmd(() => import('./commands/logs.js')) },
  why: { summary: 'Explain why an action would run or be cached', usage: 'aero why ACTION [--use ACTION.OUTPUT@VERSION] [key=value ...]', options: { use: { type: 'string', multiple: true, value: 'ACTION.OUTPUT@VERSION', default: 'config use, else none', description: 'Explain as aero run --use would run: with these inputs pinned.' } }, positionals: 'many', completePositionals: 'actions', load: cmd(() => import('./commands/why.js')) },
  artifacts: { summary: 'List artifact versions in the store', usage: 'aero artifacts [NAME]', options: {}, positionals: ['name'], load: cmd(() => import('./commands/artifacts.js')) },
  tag: {
    summary: 'Name an artifact version (the newest by default), or list tags',
    usage: 'aero tag ACTION.OUTPUT[@DIGEST|RUN] TAG | aero tag --list [ACTION.OUTPUT]',
    options: { list: { type: 'boolean', description: 'List the tags (of one artifact, or all) with their versions and how often they moved.' } },
    positionals: 'many',
    details: `A tag names the versions of an output: one, or one per partition when made from a run. Moving a tag to another version
is recorded in its history (aero tag --list --json). Trackers with aliases mirror it (W&B artifact alias, MLflow tag).
Use a tag with aero run --use ACTION.OUTPUT@TAG. Tags start with a letter; an all-hex name or latest is refused.`,
    load: cmd(() => import('./commands/tag.js')),
  },
  rerun: {
    summary: "Run a past run again exactly (its code, params, input versions) in a scratch store; compare every digest",
    usage: 'aero rerun RUN|latest [--keep] [--json]',
    options: { keep: { type: 'boolean', description: 'Keep the recreated code folder (.aero/reruns/<id>/) for inspection.' } },
    positionals: ['run'],
    details: `The code comes from the run's snapshot, or from its git commit in a temporary worktree when the snapshot lacks a file
its actions' code identity names (the output says which). Params, overrides, --only and pinned inputs are the run's.
It runs in a scratch store that reads the project's blobs and writes nothing to the project's cache, with no trackers.
Exit codes: 0 every artifact digest is identical, 1 some differ (a table lists them) or an action failed, 2 usage error.`,
    load: cmd(() => import('./commands/rerun.js')),
  },
  diff: {
    summary: 'Compare two runs: params, config, code (unified diff), input versions, final metrics',
    usage: 'aero diff RUN_A RUN_B [--json]',
    options: {},
    positionals: ['run-a', 'run-b'],
    load: cmd(() => import('./commands/diff.js')),
  },
  export: {
    summary: "Write an action's artifacts as plain files (hard links or copies), never stale",
    usage: "aero export ACTION[.OUTPUT] --to DIR [--run RUN] [--layout '{action}/{split}/{sim:04d}.{ext}'] [--copy]",
    options: {
      to: { type: 'string', value: 'DIR', valueType: 'path', complete: 'dirs', description: 'Folder the files are written to (made when missing).' },
      run: { type: 'string', value: 'RUN', default: 'the newest run that produced or used it', description: 'Export the versions this run produced or used (pinned ones included).' },
      layout: { type: 'string', value: 'TEMPLATE', default: "each output's own path", description: 'Path of each file under DIR: tags {action} {output} {file} {stem} {ext} {path}, partition keys and config vars.' },
      copy: { type: 'boolean', description: "Copy instead of hard-linking (a hard link shares the store's blob: copy when the receiver edits files in place)." },
    },
    positionals: ['target'],
    details: `A file whose content differs is replaced, an identical one is left alone; the output says written, replaced or unchanged.
Every path is checked before the first file is written: nothing leaves DIR, and no two files share a path.`,
    load: cmd(() => import('./commands/export.js')),
  },
  lineage: { summary: 'Show how an artifact was produced, recursively', usage: 'aero lineage NAME[@DIGEST]', options: {}, positionals: ['artifact'], load: cmd(() => import('./commands/lineage.js')) },
  gc: {
    summary: 'Delete artifacts, blobs and cache entries no run references',
    usage: 'aero gc [--dry-run] [--keep-runs N]',
    options: {
      'dry-run': { type: 'boolean', short: 'n', description: 'Report what would be removed; remove nothing.' },
      'keep-runs': { type: 'string', value: 'N', valueType: 'integer', default: 'every run', description: 'Keep only what the newest N runs reference.' },
    },
    load: cmd(() => import('./commands/gc.js')),
  },
  verify: {
    summary: 'Rehash the store; move blobs and manifests that do not match their digest to quarantine/',
    usage: 'aero verify [--dry-run]',
    options: { 'dry-run': { type: 'boolean', short: 'n', description: 'Report the blobs and manifests that do not match; move nothing.' } },
    details: `Every blob and manifest is read and hashed. One whose bytes do not match the digest in its name
is moved to .aero/quarantine/<key> (not deleted), so the next \`aero run\` reruns the actions that produced it.
--dry-run only reports. Exit codes: 0 the store is sound, 1 something did not match (STORE_CORRUPT).`,
    load: cmd(() => import('./commands/verify.js')),
  },
  ui: {
    summary: 'Browse runs, metric charts, the DAG, lineage and sweeps in a browser (read-only, local)',
    usage: 'aero ui [--port 4173] [--host 127.0.0.1] [--open]',
    options: {
      port: { type: 'string', short: 'p', value: 'PORT', valueType: 'integer', default: '4173', description: 'Port to listen on; 0 picks a free one.' },
      host: { type: 'string', value: 'HOST', default: '127.0.0.1', description: 'Address to listen on; one that is not loopback serves every machine that can reach this one (there is no login).' },
      open: { type: 'boolean', description: "Open the page in the desktop's browser." },
    },
    details: `Serves the project's store (local or S3) read-only on http://127.0.0.1:4173/ until Ctrl-C; pages update while a run is going.
--port 0 picks a free port. --host 0.0.0.0 serves every machine that can reach this one (a warning is printed: there is no login).
--open opens the page in the desktop's browser.`,
    load: cmd(() => import('./commands/ui.js')),
  },
  report: {
    summary: 'Write one self-contained HTML report of runs (offline, no network requests)',
    usage: 'aero report [RUN...] [--out report.html]',
    options: { out: { type: 'string', short: 'o', value: 'FILE', valueType: 'path', default: 'report.html', complete: 'files', description: 'File to write, relative to the project directory.' } },
    positionals: 'many',
    details: `RUN is a run id, a unique prefix, a name or latest (the default). The file holds the pages of aero ui for those runs
(DAG, timing, metrics, params, logs, artifact previews, lineage, sweep) with its scripts and data inline; it makes no request.`,
    load: cmd(() => import('./commands/report.js')),
  },
  sync: { summary: "Push trackers' spooled data (offline runs) to their servers", usage: 'aero sync [TRACKER] [--run RUN]', options: { run: { type: 'string', value: 'RUN', default: 'every run', description: "Push only this run's spooled data." } }, positionals: ['tracker'], load: cmd(() => import('./commands/sync.js')) },
  init: {
    summary: 'Start an aero project in this folder (the npm create aeroml templates)',
    usage: 'aero init [--template ts|yaml|python|plugin] [--plugin-kind handler|tracker|store|launcher] [--name NAME] [--from-tarballs DIR] [--install | --no-install] [--yes]',
    options: {
      template: { type: 'string', short: 't', value: 'ts|yaml|python|plugin', valueType: 'choice', default: 'asked on a terminal; ts with --yes', complete: ['ts', 'yaml', 'python', 'plugin'], description: 'Project template: a TypeScript pipeline, one configured in YAML, one running Python scripts, or an aero plugin package.' },
      'plugin-kind': { type: 'string', value: 'handler|tracker|store|launcher', valueType: 'choice', default: 'asked on a terminal; handler with --yes', complete: ['handler', 'tracker', 'store', 'launcher'], description: 'Kind of plugin, for --template plugin.' },
      name: { type: 'string', value: 'NAME', default: 'the folder name, made a valid npm name', description: 'Package name written to package.json.' },
      'from-tarballs': { type: 'string', value: 'DIR', valueType: 'path', complete: 'dirs', description: 'Depend on the aero packages packed in DIR (npm pack --workspaces) instead of the registry.' },
      install: { type: 'boolean', description: 'Run npm install after writing the files (the default with --yes).' },
      'no-install': { type: 'boolean', description: 'Write the files only; do not run npm install.' },
      yes: { type: 'boolean', short: 'y', description: 'Take the defaults for every choice not given, without asking.' },
    },
    details: `Writes the template's files into the project folder (-C DIR or the current one), next to what is there;
it refuses, writing nothing, when any of those files exists. On a terminal it asks for each choice not given;
otherwise pass them as flags, or --yes for the defaults (template ts, install on).`,
    load: cmd(() => import('./commands/init.js')),
  },
  completion: {
    summary: 'Print a shell completion script: commands, options and action names on Tab (bash, zsh, fish)',
    usage: 'aero completion bash|zsh|fish',
    options: { actions: { type: 'boolean', description: "Print the project's action names, one per line (what the scripts call; nothing outside a project)." } },
    positionals: ['shell'],
    completePositionals: ['bash', 'zsh', 'fish'],
    details: `Install it once (a new shell then completes aero):
  bash: aero completion bash > ~/.local/share/bash-completion/completions/aero   (or in ~/.bashrc: source <(aero completion bash))
  zsh:  aero completion zsh > "\${fpath[1]}/_aero"   (or in ~/.zshrc, after compinit: source <(aero completion zsh))
  fish: aero completion fish > ~/.config/fish/completions/aero.fish
Commands and options are written into the script: regenerate it after upgrading aero. Action names (aero run --only,
aero why) come from the project at each Tab, by \`aero completion --actions\`.`,
    load: cmd(() => import('./commands/completion.js')),
  },
  exec: { summary: 'Run one job spec (used by launchers)', usage: 'aero exec --spec JOB.json', options: { spec: { type: 'string', value: 'FILE', valueType: 'path', complete: 'files', description: 'The job spec to run (launchers write it).' } }, load: cmd(() => import('./commands/exec.js')) },
};

export const HELP = `aero — machine-learning pipelines with versioned artifacts, tracked runs and caching

Usage: aero [options for every command] <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${name.padEnd(10)} ${spec.summary}`)
  .join('\n')}

Options for every command (before or after the command name):
${optionTable([{ ...GLOBAL_OPTIONS, ...HELP_OPTIONS }]).join('\n')}

Docs: ${DOCS_URL}`;

/** `aero <command> --help`: usage, every option with its type, default and description, then the details. */
export function commandHelp(name: string): string {
  const spec = COMMANDS[name]!;
  const [own = [], global = []] = splitRows(optionTable([spec.options, { ...GLOBAL_OPTIONS, help: HELP_OPTIONS.help! }]), Object.keys(spec.options).length);
  const options = own.length ? `\nOptions:\n${own.join('\n')}\n` : '';
  return `${spec.summary}\n\nUsage: ${spec.usage}\n${options}\nOptions for every command:\n${global.join('\n')}\n${spec.details ? `\n${spec.details}\n` : ''}`;
}

/**
 * One aligned line per option: `  -j, --jobs N    integer  How many actions run at once. (default: …)`,
 * the columns sized over every group so a command's own and global options line up.
 */
function optionTable(groups: Array<Record<string, OptionSpec>>): string[] {
  const rows = groups.flatMap((options) => Object.entries(options).map(([name, o]) => [flags(name, o), typeOf(o), describe(o)] as const));
  const flagWidth = Math.max(...rows.map((r) => r[0].length));
  const typeWidth = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([f, t, d]) => `  ${f.padEnd(flagWidth)}  ${t.padEnd(typeWidth)}  ${d}`);
}

function splitRows(rows: string[], at: number): [string[], string[]] {
  return [rows.slice(0, at), rows.slice(at)];
}

function flags(name: string, o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
}

function typeOf(o: OptionSpec): string {
  return o.type === 'boolean' ? 'boolean' : (o.valueType ?? 'string');
}

function describe(o: OptionSpec): string {
  const repeat = o.multiple ? ' Repeatable.' : '';
  return `${o.description ?? ''}${repeat}${o.default ? ` (default: ${o.default})` : ''}`;
}
