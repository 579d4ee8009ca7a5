import { defineErrors } from './catalogue.js';

/*
 * The codes @aeroml/core raises, in the order docs/errors.md lists them. Messages are
 * built where the error is raised (they quote paths, names and values); `message` here is
 * the shape of that message, which docs/errors.md shows with `<param>` placeholders.
 */
type S = string;

const CORE = '@aeroml/core';

export const coreErrors = defineErrors(
  {
    CONFIG_NOT_FOUND: { title: 'no `aero.config.ts` in the project folder', exit: 2, message: (p: { dir: S }) => `No aero.config.ts in ${p.dir}.`, hint: 'Run from the project folder or pass `--config` / `-C`.' },
    CONFIG_LOAD_FAILED: { title: 'the config or a module it imports threw or does not compile', exit: 2, message: (p: { file: S; reason: S }) => `Cannot load ${p.file}: ${p.reason}`, hint: 'Fix the error quoted in the message.' },
    CONFIG_UNKNOWN_KEY: { title: '`defineConfig({...})` has a top-level key it does not know (`plugin:`, `paramz:`); `tsc` refuses it too', exit: 2, message: (p: { key: S; suggestion: S }) => `Unknown config key \`${p.key}\`; did you mean \`${p.suggestion}\`?`, hint: 'Use the key the message suggests.' },
    CONFIG_INVALID: { title: 'the config does not export `defineConfig({ actions })`, an entry of `actions` is not an action, a `vars` entry is named like a built-in template tag (`stage`, `action`, `output`, `ext`) or is not a string or number, `concurrency` is not a whole number >= 1, or an action\'s `resources` has a bad value (`cpus` not a whole number >= 1, `gpus` not one >= 0, a NaN, a string) or a key that is neither core\'s nor a launcher\'s settings object (`cpu: 2`; the dot path, the value and what is allowed are named)', exit: 2, message: (p: { problem: S }) => `Invalid config: ${p.problem}.`, hint: 'Export the config as default; build actions with `defineAction`/`defineCommand`.' },
    CONFIG_PLUGIN_OPTION: { title: 'a params key names a configured tracker or the store (`++mlflow.experiment_name=x`, a `wandb:` YAML section) and no action reads it: plugin options are not params', exit: 2, message: (p: { key: S; plugin: S }) => `\`${p.key}\` is an option of ${p.plugin}, not a param.`, hint: 'Set the option where aero.config.ts creates the plugin (`mlflowTracker({ experimentName })`), or its environment variable (`MLFLOW_EXPERIMENT_NAME`); drop the key.' },
    PLUGIN_INVALID: { title: 'an entry of `plugins` is not a plugin object, a plugin made with a define helper lacks a method its kind requires, or two stores are configured', exit: 2, message: (p: { problem: S }) => `Invalid plugin: ${p.problem}.`, hint: 'Call the factory (`s3Store({...})`, not `s3Store`); return every required method from setup(); keep one store.' },
    PLUGIN_OPTIONS_INVALID: { title: 'a plugin factory got bad options (listed with dot paths)', exit: 2, message: (p: { plugin: S; issues: S }) => `Invalid options for ${p.plugin}: ${p.issues}`, hint: 'Fix the options named.' },
    PLAN_INVALID: { title: 'several plan problems at once (listed one per line)', exit: 2, message: (p: { count: S }) => `The pipeline has ${p.count} problems:`, hint: 'Fix them all.' },
    PLAN_CYCLE: { title: 'actions depend on each other in a loop (the path is shown)', exit: 2, message: (p: { path: S }) => `Actions depend on each other in a loop: ${p.path}.`, hint: 'Break the loop.' },
    PLAN_MISSING_PRODUCER: { title: 'an input names an action or output that does not exist', exit: 2, message: (p: { action: S; input: S }) => `Input \`${p.input}\` of \`${p.action}\` names no action or output.`, hint: 'Add the action, declare the output, or fix the reference.' },
    PLAN_DUPLICATE_ACTION: { title: 'two actions share a name', exit: 2, message: (p: { action: S }) => `Two actions are named \`${p.action}\`.`, hint: 'Rename one.' },
    PLAN_UNKNOWN_HANDLER: { title: 'an output uses a handler no plugin provides', exit: 2, message: (p: { handler: S; output: S }) => `Output \`${p.output}\` uses handler \`${p.handler}\`, which no plugin provides.`, hint: 'Add the handler plugin.' },
    PLAN_INVALID_PARAMS: { title: "params fail the action's zod schema (dot path and source file shown)", exit: 2, message: (p: { key: S; action: S; reason: S; source: S }) => `Param \`${p.key}\` of \`${p.action}\`: ${p.reason} (set in ${p.source}).`, hint: 'Fix the config or override the value.' },
    PLAN_UNKNOWN_TEMPLATE_TAG: { title: 'an output path template uses an unknown tag or format spec', exit: 2, message: (p: { tag: S; template: S }) => `Unknown tag \`{${p.tag}}\` in output path \`${p.template}\`.`, hint: 'Use partition keys, scalar params or config `vars`.' },
    PLAN_PARTITION_INVALID: { title: 'partitions cannot be computed from what was given: `splits()` counts that are not whole numbers >= 0 in an object (`2.5`, `-1`, `abc`, `[1,2]`, a deleted `~counts`), partition values that are not strings or finite numbers, or two partitions of an action that make the same instance (`{ i: [1, \'1\'] }`, a key listed twice: the id is named)', exit: 2, message: (p: { action: S; problem: S }) => `Partitions of \`${p.action}\`: ${p.problem}.`, hint: "Give each split a whole count (`counts.train=80`); return keys like `{ split: 'train', sim: 3 }`." },
    PLAN_TEMPLATE_INVALID: { title: 'an output path template has braces that are not a tag: `{split/{sim}`, `{split}}`, `{{split}}`, `{sp-lit}` (the column is shown)', exit: 2, message: (p: { template: S; column: S }) => `Output path \`${p.template}\` has a brace that is not a tag at column ${p.column}.`, hint: 'Write tags as `{name}` or `{name:format}`; braces have no other use in output paths.' },
    PLAN_PATH_ESCAPES: { title: 'an output path resolves absolute or climbs out of its artifact folder (from the template, a partition value such as a split name given on the command line, or a var), or names no file (empty, `.`, or ending in `/`), or an output or action name is not one plain folder name', exit: 2, message: (p: { path: S }) => `Output path \`${p.path}\` leaves its artifact folder.`, hint: 'Keep templates relative, without `..` that climbs out; check the partition values and vars that fill them; rename the output/action.' },
    PLAN_PARTITION_MISMATCH: { title: 'an input matches several (use `.all()`) or no producer partitions', exit: 2, message: (p: { input: S; action: S }) => `Input \`${p.input}\` of \`${p.action}\` matches no single producer partition.`, hint: 'Gather with `.all()` or align partition keys.' },
    PLAN_ONLY_NO_MATCH: { title: 'an `--only` selector names no action, group, type or output, or a partition key or value no instance has (each bad selector is named, with the nearest names), or is empty (`--only \'\'`, `--only a,`)', exit: 2, message: (p: { selector: S; suggestion: S }) => `\`--only ${p.selector}\` matches nothing; did you mean \`${p.suggestion}\`?`, hint: 'Use an action name, group, type, output name or `name[key=value]` with a key and value that exist.' },
    PLAN_UNKNOWN_PARAM: { title: 'a params key nothing reads: a misspelled override (`train.lrr=0.5`, `trian.lr=0.5`, `++x.typo=1`), a YAML key, or a key in `params` of aero.config.ts; checked against each action\'s zod schema, the keys partition functions read and the values `${...}` interpolations read', exit: 2, message: (p: { key: S; source: S; suggestion: S }) => `Unknown param \`${p.key}\` (set in ${p.source}); did you mean \`${p.suggestion}\`?`, hint: 'Use the key the message suggests; the hint is the override to type (with `+` when the key is only a schema default) or the file to fix.' },
    PLAN_GPUS_UNAVAILABLE: { title: "an action's `resources.gpus` asks for more GPUs than this machine has (`--gpus`, config `gpus`, else `nvidia-smi -L`); checked before anything runs, `--dry-run` included", exit: 2, message: (p: { action: S; wanted: S; available: S }) => `Action \`${p.action}\` needs ${p.wanted} GPUs; ${p.available} are available.`, hint: 'Pass `--gpus 0,1` / `--gpus N`, set `gpus` in aero.config.ts, or lower `resources.gpus`.' },
    OVERRIDE_INVALID: { title: 'a command-line override is malformed (the column is shown)', exit: 2, message: (p: { override: S; column: S; problem: S }) => `Invalid override \`${p.override}\` at column ${p.column}: ${p.problem}.`, hint: 'Write `key=value`, `+key=value`, `++key=value` or `~key`.' },
    ACTION_UNHANDLED_REJECTION: { title: 'a promise rejected with nothing to handle it (an action did not await it): the CLI stops the run as Ctrl-C does, instead of the process dying mid-run', exit: 1, message: (p: { reason: S }) => `A promise rejected and nothing handled it: ${p.reason}. The run was stopped.`, hint: 'Await every promise in run() (or give it a .catch); run again: what finished is cached.' },
    ACTION_FAILED: { title: "the action's `run()` threw: the message, the first stack frame in your code and the log's path are shown; the log holds the whole stack", exit: 1, message: (p: { action: S; reason: S }) => `Action \`${p.action}\` failed: ${p.reason}`, hint: "Fix the action; the hint's `aero logs <run> <action>` prints the log." },
    ACTION_OUTPUT_MISSING: { title: 'an action finished without writing a declared output', exit: 1, message: (p: { action: S; output: S }) => `Action \`${p.action}\` finished without writing output \`${p.output}\`.`, hint: 'Write it with `outputs.<name>.write()` or to `outputs.<name>.path`.' },
    ACTION_OUTPUT_WRITTEN_TWICE: { title: "an action called an output's `write()` a second time (the second value would silently replace the first)", exit: 1, message: (p: { action: S; output: S }) => `Action \`${p.action}\` wrote output \`${p.output}\` twice; the second write would replace the first.`, hint: 'Write each output once, with its whole value; several files go under `outputs.<name>.dir`.' },
    ACTION_OUTPUT_NOT_FILE: { title: 'an output folder holds something that is not a regular file (a symbolic link, a socket), which an artifact cannot hold', exit: 1, message: (p: { action: S; output: S; entries: S }) => `Action \`${p.action}\` wrote ${p.entries} in output \`${p.output}\`, which is not a regular file (a symbolic link?): an artifact holds regular files only.`, hint: 'Copy the file itself into the output (fs.copyFile) instead of linking to it.' },
    ACTION_INPUT_MISSING: { title: 'an input artifact has no files', exit: 1, message: (p: { action: S; input: S }) => `Input \`${p.input}\` of \`${p.action}\` has no files.`, hint: 'Rerun its producer with `--force`.' },
    COMMAND_FAILED: { title: 'a `defineCommand` program exited non-zero or was not found', exit: 1, message: (p: { command: S; status: S; tail: S }) => `Command \`${p.command}\` exited with ${p.status}:\n${p.tail}`, hint: 'The last lines of its output are in the message.' },
    COMMAND_TEMPLATE: { title: 'a command uses an undefined `{inputs.x}`/`{outputs.y}`/`{params.z}` or has an empty `cmd`', exit: 1, message: (p: { action: S; tag: S }) => `Command of \`${p.action}\` uses \`{${p.tag}}\`, which it does not declare.`, hint: 'Declare it.' },
    HANDLER_FAILED: { title: "a handler's `read` or `write` threw (the handler, action, input or output and file are named, the handler's own error quoted)", exit: 1, message: (p: { handler: S; action: S; file: S; reason: S }) => `Handler \`${p.handler}\` failed on ${p.file} of \`${p.action}\`: ${p.reason}`, hint: 'Write a value the handler encodes; for a read, rerun the producer with `--force`.' },
    STORE_CORRUPT: { title: 'a blob or manifest does not match its digest: an input was refused before its action ran (nothing was cached from it), or `aero verify` found bad content (exit 1)', exit: 1, message: (p: { key: S }) => `${p.key} does not match its digest.`, hint: '`aero verify` moves bad content to `.aero/quarantine/` (not deleted); then `aero run` reruns the actions that produced it.' },
    STORE_NOT_FOUND: { title: 'a blob a manifest lists vanished between the cache check and its use (a cache hit needs every blob, so a blob missing before the run makes its producer rerun instead)', exit: 1, message: (p: { key: S }) => `Blob ${p.key} is missing from the store.`, hint: '`aero run` again: the producer reruns and rewrites it.' },
    STORE_FAILED: { title: 'the store refused an operation (e.g. gc while a run is in progress)', exit: 1, message: (p: { operation: S; reason: S }) => `The store refused ${p.operation}: ${p.reason}`, hint: 'As the message says.' },
    RUN_NOT_FOUND: { title: 'no run matches the id, prefix or name', exit: 2, message: (p: { run: S }) => `No run matches \`${p.run}\`.`, hint: '`aero ps` lists the runs.' },
    ACTION_NOT_FOUND: { title: 'no action (or instance) of that name', exit: 2, message: (p: { action: S }) => `No action \`${p.action}\`.`, hint: '`aero list` lists the actions.' },
    ARTIFACT_NOT_FOUND: { title: 'no artifact matches, or a manifest is missing', exit: 2, message: (p: { artifact: S }) => `No artifact matches \`${p.artifact}\`.`, hint: '`aero artifacts` lists the artifacts.' },
    LAUNCHER_FAILED: { title: 'a worker died without a result or timed out', exit: 1, message: (p: { action: S; tail: S }) => `The worker of \`${p.action}\` died without a result:\n${p.tail}`, hint: 'The log tail is in the message.' },
    RUN_STALLED: { title: 'the process ran out of work while instances of a run were unfinished: each waits for a launcher slot or GPUs that nothing frees (a launcher whose `maxConcurrency` is not a whole number >= 1, a `concurrency` of NaN passed to `run()`) or for a job a launcher never ends; the waiting instances are named (the run used to end silently, exit 0)', exit: 1, message: (p: { unfinished: S; total: S; instances: S }) => `The run stalled with ${p.unfinished} of ${p.total} instances unfinished: ${p.instances} wait for a launcher slot, GPUs or a job result that nothing left in the process can bring.`, hint: 'Check `-j` / `concurrency`, the launcher\'s `maxConcurrency` and the actions\' `resources.cpus` / `resources.gpus`; run again (what finished is cached).' },
    LAUNCHER_NOT_FOUND: { title: '`--launcher` names a launcher no plugin provides', exit: 2, message: (p: { launcher: S }) => `No plugin provides launcher \`${p.launcher}\`.`, hint: 'Add the launcher plugin.' },
    TRACKER_FAILED: { title: '`aero sync` found no tracker that can sync', exit: 1, message: () => 'No configured tracker can sync.', hint: 'Configure one that spools (MLflow, W&B).' },
    INTERRUPTED: { title: 'the run or action was cancelled (Ctrl-C, AbortSignal)', exit: 130, message: () => 'Interrupted.', hint: 'Rerun: finished actions are cached.' },
    JOB_SPEC_INVALID: { title: '`aero exec` got an unreadable job spec', exit: 1, message: (p: { file: S; reason: S }) => `Cannot read job spec ${p.file}: ${p.reason}`, hint: 'Rerun the pipeline.' },
    USAGE_INVALID: { title: 'the command line is wrong: an unknown command or option, a missing argument', exit: 2, message: (p: { problem: S }) => `${p.problem}`, hint: 'The hint names the `--help` to read.' },
    INTERNAL_ERROR: { title: 'something that is not an `AeroError` reached the CLI: a bug in aero or a plugin', exit: 1, message: (p: { message: S }) => p.message, hint: 'Rerun with `AERO_DEBUG=1` for the stack and report it.' },
  },
  {
    plugin: CORE,
    section: 'Errors',
    scoped: false,
    intro: `Every failure a user can see is an \`AeroError\` with a permanent \`code\`, a message that
says what happened, and usually a \`hint\` saying what to do. The CLI prints
\`[aero] [@aeroml/<plugin>] <CODE>: <message>\` and \`hint: …\` (several problems found at
once: the headline, then one \`  - <CODE>: …\` line each), and exits with the code's exit
status below: 2 for usage, config and plan errors, 1 when an action failed, 130 when
interrupted. With \`--json\` the error is also the last NDJSON line on stdout:
\`{"type":"error","code":"…","message":"…","hint":"…"}\` (plus \`plugin\` and \`issues\`
when there are). A failed action's \`action:end\` event carries \`error.code\`. A param that
fails validation names where it was set: \`(set in <cli>)\`, \`(set in aero.config.ts)\` or
the YAML file.

Tracker failures never fail a pipeline: they are reported as \`warning\` events and the
run goes on; trackers that talk to servers spool to disk and retry.

Every package declares its codes with \`defineErrors\` (from \`@aeroml/core\`): a title, a
message template, a hint, an exit status and this page's anchor. This page is generated
from those catalogues (\`node tools/errors/generate.mjs\`); \`npm run lint\` fails when it is stale.`,
  },
);

export const configErrors = defineErrors(
  {
    CONFIG_INTERPOLATION_UNRESOLVED: { title: '`${a.b}` names a path that does not exist', exit: 2, message: (p: { expr: S; where: S }) => `Interpolation \`${p.expr}\` in ${p.where} names a path that does not exist.`, hint: 'Check the spelling or add the key; relative references start with a dot: `${.sibling}`, `${..parent_key}`.' },
    CONFIG_INTERPOLATION_CYCLE: { title: 'interpolations refer to each other in a loop (`a: ${b}`, `b: ${a}`)', exit: 2, message: (p: { cycle: S }) => `Interpolation cycle: ${p.cycle}.`, hint: 'Give one of the values a literal.' },
    CONFIG_INTERPOLATION_INVALID: { title: 'a malformed `${...}` or an unknown resolver', exit: 2, message: (p: { expr: S; where: S }) => `Invalid interpolation \`${p.expr}\` in ${p.where}.`, hint: 'Write `${path.to.key}` or `${env:VAR,default}`.' },
    CONFIG_ENV_MISSING: { title: '`${env:VAR}` without a default and `VAR` unset', exit: 2, message: (p: { variable: S; expr: S }) => `Environment variable \`${p.variable}\` is not set (interpolation \`${p.expr}\`).`, hint: 'Set the variable, or give a default: `${env:VAR,default}`.' },
    CONFIG_MISSING_VALUE: { title: 'a mandatory value (`???`) was never given', exit: 2, message: (p: { key: S }) => `Missing mandatory value ${p.key}: it is \`???\` and nothing gave it a value.`, hint: 'Set it on the command line (`key=value`) or in the config.' },
  },
  { plugin: CORE, section: 'Config interpolation', scoped: false, intro: 'Raised while resolving `${...}` interpolations and `???` values in params (aero.config.ts `params`, YAML configs, overrides). All exit 2.' },
);

export const reproduceErrors = defineErrors(
  {
    PIN_INVALID: { title: 'a ref that is not `<action>.<output>[@<version>]`, a `--use` without a version, one output pinned twice, or `aero export x@v`', exit: 2, message: (p: { ref: S }) => `\`${p.ref}\` is not \`<action>.<output>[@<version>]\`.`, hint: "As the message shows: `--use prep.data@best`; name an export's run with `--run`." },
    PIN_UNKNOWN_OUTPUT: { title: '`--use`, `aero tag` or `aero export` names an action or output the pipeline does not have (the nearest names are suggested)', exit: 2, message: (p: { ref: S; suggestion: S }) => `No output \`${p.ref}\`; did you mean \`${p.suggestion}\`?`, hint: 'Use the suggested name; `aero list` shows actions and outputs.' },
    PIN_UNKNOWN_TAG: { title: '`@x` is no tag, run or digest prefix of that artifact (the nearest tags are suggested)', exit: 2, message: (p: { ref: S; version: S }) => `\`@${p.version}\` is no tag, run or digest of \`${p.ref}\`.`, hint: '`aero tag --list`, `aero artifacts NAME` and `aero ps` show tags, versions and runs.' },
    PIN_AMBIGUOUS: { title: 'a digest or run id prefix that matches several versions or runs (listed)', exit: 2, message: (p: { prefix: S; matches: S }) => `\`${p.prefix}\` matches several versions: ${p.matches}.`, hint: 'Give more characters, or tag the version you mean.' },
    PIN_NOT_CONSUMED: { title: 'a pinned output that no action reads, so the pin would change nothing', exit: 2, message: (p: { ref: S }) => `No action reads \`${p.ref}\`, so pinning it changes nothing.`, hint: 'Pin an output some action takes as an input (`aero graph`).' },
    PIN_PARTITIONS_MISSING: { title: "a consumer's partition has no version in the pin (the pinned run did not produce that partition)", exit: 2, message: (p: { ref: S; partition: S }) => `The pin of \`${p.ref}\` has no version for partition ${p.partition}.`, hint: 'Pin a run, or a tag made from a run, that produced every partition.' },
    TAG_INVALID: { title: 'a tag name that is not letters, digits, `.`, `_`, `-` starting with a letter, or that would read as something else (only hex letters, `latest`)', exit: 2, message: (p: { tag: S }) => `\`${p.tag}\` cannot be a tag name.`, hint: 'Pick a name like `best`, `prod`, `v1`.' },
    RERUN_SOURCE_MISSING: { title: "`aero rerun`: the run's snapshot lacks files its code needs and it has no git commit (or git cannot check the commit out), or no config file can be recreated", exit: 2, message: (p: { run: S }) => `Run ${p.run} has neither a complete snapshot nor a git commit to rebuild its code from.`, hint: 'Commit the project and make a new run; `git fetch` the commit.' },
    EXPORT_LAYOUT_INVALID: { title: '`aero export --layout` has an unknown tag (nearest suggested, known ones listed) or bad braces', exit: 2, message: (p: { layout: S; problem: S }) => `Layout \`${p.layout}\`: ${p.problem}.`, hint: 'Use the tags the message lists.' },
    EXPORT_TARGET_INVALID: { title: "`aero export --to` is aero's own folder (the store, `.aero`), a file, or a file or symbolic link lies where an exported file needs a folder (checked before anything is written)", exit: 2, message: (p: { to: S; problem: S }) => `aero export --to ${p.to}: ${p.problem}.`, hint: 'Pick another --to, or move what is in the way.' },
    EXPORT_PATH_COLLISION: { title: 'two different exported files would land on one path, or one on the folder of another', exit: 2, message: (p: { path: S }) => `Two exported files would land on ${p.path}.`, hint: 'Add `{action}`, `{output}`, a partition key or `{file}` to `--layout`.' },
  },
  {
    plugin: CORE,
    section: 'Reproduce and hand over: `aero tag`, `run --use`, `aero rerun`, `aero export`',
    scoped: false,
    intro: `All exit 2 and are found before anything runs or is written; see [the reproduce guide](guides/reproduce.md).
A layout path that would leave \`--to\` is \`PLAN_PATH_ESCAPES\` (above). A ref to a run that
did not produce the output is \`ARTIFACT_NOT_FOUND\`.`,
  },
);

export const tuneErrors = defineErrors(
  {
    TUNE_SPACE_INVALID: { title: 'a dimension cannot be searched: an empty (`interval(1, 1)`) or reversed (`interval(5, 1)`) interval, a log scale with a bound ≤ 0, a log range with a step, an unknown tag (`tag(lgo, …)`), bounds that are not numbers, a key searched twice or both searched and fixed (`lr=interval(0.01, 1)` with `lr=0.1`), or no dimension at all (every problem is listed at once)', exit: 2, message: (p: { key: S; problem: S }) => `Search space \`${p.key}\`: ${p.problem}.`, hint: 'Write `key=interval(low, high)`, `key=tag(log, interval(low, high))`, `key=tag(int, interval(a, b))`, `key=range(start, stop[, step])` or `key=choice(a, b)`.' },
    TUNE_OBJECTIVE_UNKNOWN: { title: '`--objective` names an action the pipeline does not have (the nearest names are suggested), an action without a metric (`--objective evaluate`: an objective is `ACTION.METRIC`), or an action with several partitions', exit: 2, message: (p: { objective: S; suggestion: S }) => `\`--objective ${p.objective}\` names no action; did you mean \`${p.suggestion}\`?`, hint: '`--objective <action>.<metric>`; score by an action that gathers the partitions.' },
    TUNE_OBJECTIVE_MISSING: { title: "a trial's action finished without logging the objective metric, or logged a value that is not finite; that trial fails (message names the trial, its params and the metrics it did log) and the study goes on", exit: 1, message: (p: { trial: S; metric: S }) => `Trial ${p.trial} did not log \`${p.metric}\`.`, hint: "Log it: `log.metric('loss', value)`." },
    TUNE_SAMPLER_UNSUITABLE: { title: 'the sampler cannot search the space: `grid` with a continuous `interval`, `cmaes` with choices only, `cmaes` or `gp` with two objectives, a grid of over a million points', exit: 2, message: (p: { sampler: S; problem: S }) => `Sampler \`${p.sampler}\` cannot search this space: ${p.problem}.`, hint: 'Use `range`/`choice` for a grid, or `--sampler tpe`.' },
    TUNE_OPTIONS_INVALID: { title: 'options that do not fit: an unknown `--sampler`/`--pruner`/`--direction` or reducer (with suggestions), objectives and directions of different counts, a pruner with two objectives, `trials` below 1 (from the config or the API: the CLI refuses `--trials 0` itself, as `USAGE_INVALID`), a `--study` name that is not one folder name', exit: 2, message: (p: { problem: S }) => `${p.problem}`, hint: 'As the message says.' },
    TUNE_STUDY_MISMATCH: { title: '`--study NAME` exists with another space, fixed overrides, objective, sampler, pruner or seed (the message names which, with the old and new values where they are short)', exit: 2, message: (p: { study: S; what: S }) => `Study \`${p.study}\` was started with ${p.what}.`, hint: 'Resume it with the `aero tune` command the hint gives (`aero tune show --study NAME` prints it too, as `Resume it:`), or pass a new `--study`.' },
    TUNE_STUDY_NOT_FOUND: { title: '`aero tune show --study NAME` names no study (the nearest names are suggested), or there is none yet', exit: 2, message: (p: { study: S }) => `No study \`${p.study}\`.`, hint: '`aero tune show` shows the latest study.' },
    TUNE_OPTUNA_MISSING: { title: "`tpe`, `cmaes`, `gp` or a pruner needs Optuna, and Python was not found, cannot be run (`--python` names a file that is not executable: EACCES), cannot import `optuna`, or lacks a sampler's extra package (`gp`: `torch`, `scipy`); refused before the study's folder is made", exit: 1, message: (p: { python: S }) => `Python \`${p.python}\` cannot import optuna.`, hint: "Run the command in the hint: `python3 -m pip install 'optuna>=5,<6' cmaes` (or `bash tools/optuna/start.sh` in the aero repo), or point `AERO_OPTUNA_PYTHON` / `--python` at a Python that has it." },
    TUNE_OPTUNA_FAILED: { title: 'the Optuna bridge process died or Optuna refused a call (the Python error is quoted), or the program `--python` names is not a Python: it exited before the bridge started (its stderr is quoted, or the message says it printed nothing) or printed something else first', exit: 1, message: (p: { reason: S }) => `The Optuna bridge failed: ${p.reason}`, hint: 'Rerun the same `aero tune`: the study resumes from its storage. When `--python` (or `AERO_OPTUNA_PYTHON`) is not a Python 3 that has optuna, point it at one.' },
    TUNE_TRIAL_PRUNED: { title: "not a failure: the `signal.reason` a pruned trial's action sees, and the error recorded for a pruned trial", exit: 1, message: (p: { trial: S }) => `Trial ${p.trial} was pruned.`, hint: "An action can check `signal.reason?.code === 'TUNE_TRIAL_PRUNED'` to stop early and cleanly." },
  },
  {
    plugin: CORE,
    section: '`aero tune`',
    scoped: false,
    intro: `Input errors are found before the first trial runs and exit 2; see [the tuning guide](guides/tuning.md).
A misspelled param in the space is \`PLAN_UNKNOWN_PARAM\` and a value an action's schema refuses is
\`PLAN_INVALID_PARAMS\` (above): the space's low, high and an inner point are planned before anything runs.`,
  },
);
