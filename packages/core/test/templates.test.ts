import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AeroAggregateError, AeroError, defineAction, plan, splits } from '../src/index.js';
import { templateSyntaxProblems } from '../src/templates.js';
import { jsonHandler } from './fixtures.js';
import { caught } from './caught.js';

const handlers = new Map([['json', jsonHandler()]]);
const noop = () => undefined;

function planError(path: string, vars?: Record<string, unknown>): AeroError {
  const sim = defineAction({ name: 'sim', partitions: splits({ train: 1 }), outputs: { o: { handler: 'json', path } }, run: noop });
  return caught(() => plan([sim], { params: {}, handlers, ...(vars ? { vars } : {}) }), 'plan() to throw');
}

describe('output path templates are checked at plan time (PLAN_TEMPLATE_INVALID)', () => {
  it.each([
    ['{split/{sim}', ['unmatched `{` at column 1']],
    ['{split}}', ['unmatched `}` at column 8']],
    ['{{split}}', ['unmatched `{` at column 1', 'unmatched `}` at column 9']],
    ['{sp-lit}.json', ['`{sp-lit}` at column 1 is not a tag']],
    ['{}.json', ['`{}` at column 1 is not a tag']],
  ])('%s', (template, problems) => {
    expect(templateSyntaxProblems(template)).toEqual(problems);
    const error = planError(template);
    expect(error.code).toBe('PLAN_TEMPLATE_INVALID');
    expect(error.message).toBe(`Output \`o\` of \`sim\` has path template \`${template}\` with ${problems.join(', ')}.`);
    expect(error.hint).toBe('Tags look like {split} or {sim:04d}: a name of letters, digits and _, an optional :format; braces have no other use in output paths.');
  });

  it('well-formed templates have no problems', () => {
    expect(templateSyntaxProblems('{split}/{sim:04d}/map_{lr:.3f}.fits')).toEqual([]);
  });
});

describe('config vars', () => {
  it('a var named like a built-in tag is refused instead of silently replaced', () => {
    const error = planError('{stage}/{split}.json', { stage: 'mine', action: 'x', root: '/data' }) as AeroAggregateError;
    expect(error.issues.map((i) => [i.code, i.message])).toEqual([
      ['CONFIG_INVALID', '`vars.stage` is the name of a built-in template tag (the action name); it would be replaced.'],
      ['CONFIG_INVALID', '`vars.action` is the name of a built-in template tag (the action name); it would be replaced.'],
    ]);
    expect(error.issues[0]!.hint).toBe('Rename the var; built-in tags are {stage}, {action}, {output} and {ext}.');
  });

  it('a var that is not a string or number is refused', () => {
    const error = planError('{split}.json', { dataset: { name: 'x' } });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('`vars.dataset` is an object; template vars are strings or numbers.');
  });

  it('vars fill templates', () => {
    const sim = defineAction({ name: 'sim', partitions: splits({ train: 1 }), outputs: { o: { handler: 'json', path: '{dataset}/{stage}/{split}/{sim:03d}.json' } }, run: noop });
    expect(plan([sim], { params: {}, handlers, vars: { dataset: 'planck' } }).instances[0]!.outputs.o!.path).toBe('planck/sim/train/000.json');
  });

  it('precedence (docs/concepts.md): vars < {stage}/{action} < scalar params < partition keys < {output}/{ext}', () => {
    const sim = defineAction({
      name: 'sim',
      params: z.object({ lr: z.number().default(0.5), split: z.string().default('from-param') }),
      partitions: splits({ train: 1 }),
      outputs: { o: { handler: 'json', path: '{dataset}/{lr}/{stage}/{split}/{output}.{ext}' } },
      run: noop,
    });
    const planned = plan([sim], { params: {}, handlers, vars: { dataset: 'planck', lr: 9, split: 'from-var' } });
    expect(planned.instances[0]!.outputs.o!.path).toBe('planck/0.5/sim/train/o.json');
  });

  it('template problems are reported together with param problems, all at once', () => {
    const sim = defineAction({ name: 'sim', params: z.object({ lr: z.number().default(1) }), outputs: { o: { handler: 'json', path: '{split}}.json' }, p: { handler: 'json', path: '{nope}.json' } }, run: noop });
    const error = caught(() => plan([sim], { params: { sim: { lrr: 1 } }, handlers }), 'plan() to throw') as AeroAggregateError;
    expect(error.issues.map((i) => i.code)).toEqual(['PLAN_UNKNOWN_PARAM', 'PLAN_TEMPLATE_INVALID', 'PLAN_UNKNOWN_TEMPLATE_TAG']);
  });

  it('a value a format spec cannot take is named with its instance, once per output', () => {
    const a = defineAction({ name: 'a', partitions: { x: [1, 1.5, 2.5] }, outputs: { o: { handler: 'json', path: '{x:03d}.json' } }, run: noop });
    const error = caught(() => plan([a], { params: {}, handlers }), 'plan() to throw');
    expect(error.code).toBe('PLAN_UNKNOWN_TEMPLATE_TAG');
    expect(error.message).toBe('Output `o` of `a[x=1.5]`: Template `{x:03d}.json` formats 1.5 with `d`, which needs an integer.');
  });
});
