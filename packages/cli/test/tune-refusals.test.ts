import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, CLI, copyQuickstart, plainEnv, refused, type CliResult } from './helpers.js';

/** Runs a command aero printed (`aero tune 'x=…' --study s`) as a shell would, with this CLI as `aero`. */
function runPrinted(cwd: string, command: string): Promise<CliResult> {
  expect(command.startsWith('aero ')).toBe(true);
  const child = spawn('bash', ['-c', `"$AERO_NODE" "$AERO_CLI" ${command.slice('aero '.length)}`], { cwd, env: plainEnv({ AERO_NODE: process.execPath, AERO_CLI: CLI }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const objective = ['--objective', 'evaluate.accuracy', '--direction', 'maximize'];

describe('aero tune refuses what aero run refuses, before the study starts (no Optuna needed)', () => {
  it('a mistyped --launcher is LAUNCHER_NOT_FOUND with exit 2, as in aero run: no study folder, no trial, the budget intact', async () => {
    const dir = await copyQuickstart();
    const run = await refused(dir, 'run', '--launcher', 'nope');
    const expected = '[aero] LAUNCHER_NOT_FOUND: No launcher named `nope` (available: inline, process).\n  hint: Add the launcher plugin to `plugins` in aero.config.ts, e.g. slurmLauncher().';
    expect(run).toContain(expected);
    const tune = await refused(dir, 'tune', 'train.lr=interval(0.01, 0.5)', 'train.epochs=20', ...objective, '--trials', '2', '--sampler', 'random', '--launcher', 'nope', '--study', 'lt');
    expect(tune).toContain(expected);
    expect(existsSync(join(dir, '.aero/tune'))).toBe(false);
    expect(existsSync(join(dir, '.aero/runs'))).toBe(false);
    // The same study without the typo starts from trial 0 and runs its two trials.
    const ok = await aero(dir, 'tune', 'train.lr=interval(0.01, 0.5)', 'train.epochs=20', ...objective, '--trials', '2', '--sampler', 'random', '--study', 'lt');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('[tune] study lt: 2 trials, sampler random\n');
    expect(ok.stdout).toContain('[tune] finished: 2 trials (2 ran, 0 cached, 0 pruned, 0 failed)');
  });

  it('refuses a key both searched and fixed, an objective without a metric and an unknown tag, with exit 2', async () => {
    const dir = await copyQuickstart();
    const cases: Array<[string[], string]> = [
      [
        ['train.lr=tag(log, interval(0.01, 0.5))', 'train.lr=0.1', ...objective, '--trials', '2', '--sampler', 'random'],
        '[aero] TUNE_SPACE_INVALID: Search space `train.lr=tag(log, interval(0.01, 0.5))`: `train.lr` is searched and also fixed by `train.lr=0.1`; give a key one dimension or one fixed value, not both.\n',
      ],
      [
        ['train.lr=interval(0.01, 0.5)', '--objective', 'evaluate', '--trials', '2', '--sampler', 'random'],
        "[aero] TUNE_OBJECTIVE_UNKNOWN: --objective evaluate names the action `evaluate` but no metric: an objective is ACTION.METRIC, e.g. --objective evaluate.<metric>.\n  hint: Write --objective evaluate.<metric>, where <metric> is a name `evaluate` logs with log.metric('<metric>', value).",
      ],
      [
        ['train.lr=tag(lgo, interval(0.01, 0.5))', ...objective, '--trials', '2', '--sampler', 'random'],
        '[aero] TUNE_SPACE_INVALID: Search space `train.lr=tag(lgo, interval(0.01, 0.5))`: unknown tag `lgo` (known: log, int). Did you mean `log`?\n',
      ],
    ];
    for (const [args, message] of cases) expect(await refused(dir, 'tune', ...args)).toContain(message);
    expect(existsSync(join(dir, '.aero/tune'))).toBe(false);
    expect(existsSync(join(dir, '.aero/runs'))).toBe(false);
  });

  it('a --python that is not a Python is a coded error naming it, with a hint, and leaves no study folder', async () => {
    const dir = await copyQuickstart();
    const args = ['tune', 'train.lr=interval(0.01, 0.5)', ...objective, '--trials', '1', '--sampler', 'tpe', '--study', 'py'];
    const notExecutable = await aero(dir, ...args, '--python', './aero.config.ts');
    expect(notExecutable.code).toBe(1);
    expect(notExecutable.stderr).toContain(
      "[aero] TUNE_OPTUNA_MISSING: Python `./aero.config.ts` cannot be run (EACCES: it is not an executable file); the tpe, cmaes and gp samplers and the pruners run in Optuna.\n  hint: Install Python 3, then run python3 -m pip install 'optuna>=5,<6' cmaes (or bash tools/optuna/start.sh in the aero repo), or point AERO_OPTUNA_PYTHON or --python at a Python that has optuna.",
    );
    const silent = await aero(dir, ...args, '--python', '/bin/false');
    expect(silent.code).toBe(1);
    expect(silent.stderr).toContain(
      "[aero] TUNE_OPTUNA_FAILED: The Optuna bridge (/bin/false) exited with code 1 before it started, and printed nothing: `/bin/false` does not look like a Python interpreter.\n  hint: Check --python (or AERO_OPTUNA_PYTHON, else python3 on PATH): `/bin/false` must be a Python 3 interpreter that has optuna (python3 -m pip install 'optuna>=5,<6' cmaes installs it).",
    );
    expect(existsSync(join(dir, '.aero/tune'))).toBe(false);
    expect(existsSync(join(dir, '.aero/runs'))).toBe(false);
  });
});

describe('aero tune: the commands its messages give work', () => {
  it('tune show prints the command that resumes the study, the TUNE_STUDY_MISMATCH hint gives the same one, and both resume it', async () => {
    const dir = await copyQuickstart();
    const started = await aero(dir, 'tune', 'train.lr=tag(log, interval(0.01, 2))', 'train.epochs=20', ...objective, '--trials', '2', '--sampler', 'random', '--seed', '1', '--study', 'lr');
    expect(started.code).toBe(0);
    const show = await aero(dir, 'tune', 'show', '--study', 'lr');
    const command = "aero tune 'train.lr=tag(log, interval(0.01, 2))' train.epochs=20 --objective evaluate.accuracy --direction maximize --trials 2 --sampler random --seed 1 --study lr";
    expect(show.stdout).toContain(`\nResume it: ${command}\n`);
    const json = JSON.parse((await aero(dir, 'tune', 'show', '--study', 'lr', '--json')).stdout) as { resume: string };
    expect(json.resume).toBe(command);

    // Another seed and no fixed epochs: refused, and the hint names what differs and how to resume.
    const mismatch = await refused(dir, 'tune', 'train.lr=tag(log, interval(0.01, 2))', ...objective, '--trials', '3', '--sampler', 'random', '--seed', '2', '--study', 'lr');
    expect(mismatch).toContain(
      `[aero] TUNE_STUDY_MISMATCH: Study \`lr\` was started with other fixed overrides (then \`train.epochs=20\`, now none) and a different seed (then 1, now 2); a study keeps the objectives, space, fixed overrides, sampler, pruner and seed it was started with.\n  hint: Resume it as it was started (aero tune show --study lr prints this too): ${command}; or start another study with --study <new name>.`,
    );
    const resumed = await runPrinted(dir, command);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('[tune] study lr: 2 trials, sampler random, resuming after 2 trial(s)\n');
    expect(resumed.stdout).toContain('[tune] finished: 2 trials (0 ran, 2 cached, 0 pruned, 0 failed)');
    // With a larger budget it runs one more trial.
    const more = await runPrinted(dir, command.replace('--trials 2', '--trials 3'));
    expect(more.code).toBe(0);
    expect(more.stdout).toContain('[tune] finished: 3 trials (1 ran, 2 cached, 0 pruned, 0 failed)');
  });

  it("a failed trial's line carries its error code", async () => {
    const dir = await copyQuickstart();
    const r = await aero(dir, 'tune', 'train.lr=interval(0.01, 0.5)', 'train.epochs=20', '--objective', 'evaluate.acurracy', '--trials', '1', '--sampler', 'random', '--study', 'typo');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ trial 0 {3}failed {6}train\.lr=\S+ {2}TUNE_OBJECTIVE_MISSING: Trial 0 \(train\.lr=\S+\): action `evaluate` finished without logging the metric `acurracy` \(it logged `accuracy`\)\. Log it with log\.metric\('acurracy', value\)\.$/m);
  });
});
