import { describe, expect, it } from 'vitest';
import { AeroAggregateError, AeroError, applyOverrides, defineAction, plan, splits, type Action } from '../src/index.js';
import { jsonHandler } from './fixtures.js';
import { caught } from './caught.js';

const handlers = new Map([['json', jsonHandler()]]);
const noop = () => undefined;

function planError(actions: Action[], params: Record<string, unknown> = {}, vars?: Record<string, unknown>): AeroError {
  return caught(() => plan(actions, { params, handlers, ...(vars ? { vars } : {}) }), 'plan() to throw');
}

const HINT = 'Output paths are relative to the artifact folder and stay inside it: no leading `/`, no `..` that climbs out. Check the template and the partition values and vars that fill it.';

describe('every output path stays inside its artifact folder (PLAN_PATH_ESCAPES)', () => {
  it('a template that climbs out is refused', () => {
    const sim = defineAction({ name: 'sim', partitions: splits({ train: 1 }), outputs: { o: { handler: 'json', path: '../../../tmp/x/{split}.json' } }, run: noop });
    const error = planError([sim]);
    expect(error.code).toBe('PLAN_PATH_ESCAPES');
    expect(error.message).toBe('Output `o` of `sim[split=train,sim=0]` resolves to `../../../tmp/x/train.json` (template `../../../tmp/x/{split}.json`), which leaves its artifact folder.');
    expect(error.hint).toBe(HINT);
  });

  it('an absolute template is refused', () => {
    const a = defineAction({ name: 'a', outputs: { o: { handler: 'json', path: '/tmp/x/out.json' } }, run: noop });
    expect(planError([a]).message).toBe('Output `o` of `a` resolves to `/tmp/x/out.json` (template `/tmp/x/out.json`), an absolute path.');
  });

  it('a template that names no file (empty, `.`, a folder) is refused, not left to fail on the folder at run time', () => {
    for (const path of ['', '.', 'maps/', 'x/..']) {
      const a = defineAction({ name: 'a', outputs: { o: { handler: 'json', path } }, run: noop });
      const error = planError([a]);
      expect(error.message).toBe(`Output \`o\` of \`a\` resolves to \`${path}\` (template \`${path}\`), which names no file in its artifact folder (give a file name, e.g. \`data.json\`).`);
      expect(error.hint).toBe("An output's path names the file its handler writes, inside the artifact folder (`model.json`, `{split}/map.npy`); without `path` it is `<output>.<extension>`.");
    }
  });

  it('a `..` that stays inside after normalising is fine', () => {
    const a = defineAction({ name: 'a', outputs: { o: { handler: 'json', path: 'x/../y/out.json' } }, run: noop });
    expect(plan([a], { params: {}, handlers }).instances[0]!.outputs.o!.path).toBe('x/../y/out.json');
  });

  it('a split name from a command-line override that climbs out is refused, once per output with a count', () => {
    const sim = defineAction({ name: 'sim', partitions: (_p, { root }) => splits(root.counts as Record<string, number>), outputs: { o: { handler: 'json', path: '{split}/{sim}.json' } }, run: noop });
    const params = applyOverrides({}, ['+counts={"../../../x": 3}']);
    const error = planError([sim], params);
    expect(error.code).toBe('PLAN_PATH_ESCAPES');
    expect(error.message).toBe('Output `o` of `sim[split=../../../x,sim=0]` resolves to `../../../x/0.json` (template `{split}/{sim}.json`), which leaves its artifact folder (and 2 more instances of `sim`).');
  });

  it('a var that climbs out is refused', () => {
    const a = defineAction({ name: 'a', outputs: { o: { handler: 'json', path: '{root}/out.json' } }, run: noop });
    expect(planError([a], {}, { root: '../..' }).message).toBe('Output `o` of `a` resolves to `../../out.json` (template `{root}/out.json`), which leaves its artifact folder.');
    expect(planError([a], {}, { root: '/etc' }).message).toBe('Output `o` of `a` resolves to `/etc/out.json` (template `{root}/out.json`), an absolute path.');
  });

  it('an output name or action name that is not one plain path segment is refused', () => {
    const a = defineAction({ name: 'a', outputs: { '../../x': { handler: 'json' }, 'b/c': { handler: 'json' } }, run: noop });
    const b = defineAction({ name: '../b', outputs: { o: { handler: 'json' } }, run: noop });
    const error = planError([a, b]) as AeroAggregateError;
    expect(error.issues.map((i) => [i.code, i.message])).toEqual([
      ['PLAN_PATH_ESCAPES', 'Output name `../../x` of `a` is not a plain name: output and action names become folder names, so they cannot contain `/` or `\\` or be `.` or `..`.'],
      ['PLAN_PATH_ESCAPES', 'Output name `b/c` of `a` is not a plain name: output and action names become folder names, so they cannot contain `/` or `\\` or be `.` or `..`.'],
      ['PLAN_PATH_ESCAPES', 'Action name `../b` is not a plain name: output and action names become folder names, so they cannot contain `/` or `\\` or be `.` or `..`.'],
    ]);
  });
});
