import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyProject, runAero } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const aero = (cwd: string, ...args: string[]) => runAero(cli, cwd, args);
const tune = (cwd: string, ...args: string[]) => aero(cwd, 'tune', '--config', 'tune.config.ts', ...args);

function copy(): Promise<string> {
  return copyProject(here, join(here, '.test-work'), 'tune', ['aero.config.ts', 'tune.config.ts', 'src', 'data']);
}

const events = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);

describe('examples/quickstart: aero tune', () => {
  it('tunes the classifier from tune.config.ts\'s tune block: 6 random trials, then a rerun that runs none', { timeout: 300_000 }, async () => {
    const dir = await copy();
    // The config's space, objective and direction; the command line picks a small random study.
    const first = await tune(dir, '--sampler', 'random', '--trials', '6', '--seed', '4', '--json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const trials = events(first.stdout).filter((e) => e.event === 'tune.trial');
    expect(trials).toHaveLength(6);
    for (const t of trials) {
      expect(t.state).toBe('complete');
      expect(Object.keys(t.params).sort()).toEqual(['train.l2', 'train.lr']);
      expect(t.value).toBeGreaterThan(0.5); // test accuracy of a three-species classifier
    }
    const finished = events(first.stdout).at(-1)!;
    expect(finished).toMatchObject({ event: 'tune.finished', trials: { total: 6, ran: 6, cached: 0 } });
    expect(finished.best.value).toBe(Math.max(...trials.map((t) => t.value as number)));

    const again = await tune(dir, '--sampler', 'random', '--trials', '6', '--seed', '4', '--json');
    expect(again.code).toBe(0);
    expect(events(again.stdout).filter((e) => e.event === 'tune.trial')).toHaveLength(0);
    expect(events(again.stdout).at(-1)).toMatchObject({ trials: { total: 6, ran: 0, cached: 6 }, best: finished.best });

    // The best config's command, run with the plain aero.config.ts, reruns nothing: every action is a cache hit.
    const show = await tune(dir, 'show');
    const command = /^Run it: aero run (.*)$/m.exec(show.stdout)![1]!.split(' ');
    expect(command).toEqual(finished.best.overrides);
    const rerun = await aero(dir, 'run', ...command, '--json');
    const ends = events(rerun.stdout).filter((e) => e.type === 'action:end');
    expect(ends.map((e) => e.status)).toEqual(['cached', 'cached', 'cached', 'cached']);
  });
});
