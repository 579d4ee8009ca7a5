import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineAction, defineConfig, plan } from '../src/index.js';
import { splitSelectors } from '../src/selection.js';
import { caught } from './caught.js';
import { jsonHandler, memoryStore } from './fixtures.js';

const handlers = new Map([['json', jsonHandler()]]);
const noop = () => undefined;
const simulate = defineAction({ name: 'simulate', partitions: { split: ['train', 'test'], sim: [0, 1] }, outputs: { map: { handler: 'json' } }, run: noop });
const work = defineAction({ name: 'work', outputs: { o: { handler: 'json' } }, run: noop });
// Values with the characters a selector uses: a comma, `=`, a bracket, a space.
const labels = defineAction({ name: 'labels', partitions: [{ name: 'a,b' }, { name: 'c' }, { name: 'x=y' }, { name: 'p]q' }, { name: 'r s' }, { name: "it's" }], outputs: { o: { handler: 'json' } }, run: noop });

const selected = (only: string[]) => plan([simulate, work, labels], { params: {}, handlers, only }).instances.filter((i) => i.selected).map((i) => i.id);
const refused = (only: string[]) => caught(() => plan([simulate, work, labels], { params: {}, handlers, only }), 'plan() to throw');

describe('--only takes the instance ids the CLI prints', () => {
  it('a comma inside brackets separates filters, not selectors', () => {
    expect(selected(['simulate[split=test,sim=1]'])).toEqual(['simulate[split=test,sim=1]']);
    expect(selected(['simulate[split=test,sim=1],work'])).toEqual(['simulate[split=test,sim=1]', 'work']);
    expect(selected(['work,simulate[split=train, sim=0]'])).toEqual(['simulate[split=train,sim=0]', 'work']);
  });

  it('a list a caller already split on every comma (`--only` as the CLI splits it) is joined back inside brackets', () => {
    expect(splitSelectors(['simulate[split=test', 'sim=1]', 'work'])).toEqual({ list: ['simulate[split=test,sim=1]', 'work'], empty: [] });
    expect(selected(['simulate[split=test', 'sim=1]'])).toEqual(['simulate[split=test,sim=1]']);
  });

  it('a bad filter of a printed id is still named whole, with the id to use', () => {
    const error = refused(['simulate[split=tset', 'sim=1]']);
    expect(error.code).toBe('PLAN_ONLY_NO_MATCH');
    expect(error.message).toBe('--only `simulate[split=tset,sim=1]`: no partition of `simulate` has split=tset (split is one of: test, train).');
    expect(error.hint).toBe('Did you mean `simulate[split=test,sim=1]`?');
  });
});

describe('partition values with a comma, `=`, a bracket or a space can be selected', () => {
  it('quoted, in double or single quotes', () => {
    expect(selected(['labels[name="a,b"]'])).toEqual(['labels[name=a,b]']);
    expect(selected(["labels[name='p]q']"])).toEqual(['labels[name=p]q]']);
    expect(selected(['labels[name="r s"]', 'labels[name=c]'])).toEqual(['labels[name=c]', 'labels[name=r s]']);
    // Split on every comma by a caller, the quoted value is joined back too.
    expect(selected(['labels[name="a', 'b"]'])).toEqual(['labels[name=a,b]']);
  });

  it('as the exact id the CLI prints, or unquoted when only `=`, a space or an inner quote is in the value', () => {
    expect(selected(['labels[name=a,b]'])).toEqual(['labels[name=a,b]']);
    expect(selected(['labels[name=x=y]'])).toEqual(['labels[name=x=y]']);
    expect(selected(['labels[name=r s]'])).toEqual(['labels[name=r s]']);
    expect(selected(["labels[name=it's],work"])).toEqual(['work', "labels[name=it's]"]);
  });

  it('the values listed and suggested for a near miss are quoted where needed', () => {
    const error = refused(['labels[name=a b]']);
    expect(error.message).toBe(`--only \`labels[name=a b]\`: no partition of \`labels\` has name=a b (name is one of: "a,b", c, "it's", "p]q", r s, x=y).`);
    expect(error.hint).toBe('Did you mean `labels[name="a,b"]` or `labels[name=r s]`?');
    // Both hinted selectors work as written.
    expect(selected(['labels[name="a,b"]', 'labels[name=r s]'])).toEqual(['labels[name=a,b]', 'labels[name=r s]']);
  });

  it('an unclosed quote is refused', () => {
    const error = refused(['labels[name="a,b]']);
    expect(error.code).toBe('PLAN_ONLY_NO_MATCH');
    expect(error.message).toBe('--only `labels[name="a,b]`: a value opens a quote (") that is not closed.');
    expect(error.hint).toBe('Selectors match a name, group, type, output name, or name[key=value,...].');
  });
});

describe('an empty selector is an error, not "run everything" (PLAN_ONLY_NO_MATCH)', () => {
  const HINT = 'Name what to run: an action, group, type, output or name[key=value,...] (`aero list` shows them); leave out --only to run everything.';

  it.each([
    ["--only ''", [''], "--only '': an empty selector selects nothing."],
    ["--only ' '", ['  '], "--only '': an empty selector selects nothing."],
    ['--only work,', ['work,'], '--only `work,`: an empty selector selects nothing.'],
    ['--only ,work', [',work'], '--only `,work`: an empty selector selects nothing.'],
    ['--only work,,simulate', ['work,,simulate'], '--only `work,,simulate`: an empty selector selects nothing.'],
  ])('%s', (_name, only, message) => {
    const error = refused(only);
    expect(error.code).toBe('PLAN_ONLY_NO_MATCH');
    expect(error.message).toBe(message);
    expect(error.hint).toBe(HINT);
  });

  it('no --only at all still selects everything', () => {
    expect(plan([work], { params: {}, handlers, only: [] }).instances.map((i) => i.selected)).toEqual([true]);
  });

  it('through createAero + run(): nothing runs', async () => {
    let ran = 0;
    const counted = defineAction({ name: 'work', outputs: { o: { handler: 'json' } }, run: ({ outputs }) => outputs.o.write(++ran) });
    const store = memoryStore();
    const aero = await createAero({ cwd: await mkdtemp(join(tmpdir(), 'aero-only-')), config: defineConfig({ actions: [counted], plugins: [store, jsonHandler()] }) });
    await expect(aero.run({ only: ['work,'] })).rejects.toMatchObject({ code: 'PLAN_ONLY_NO_MATCH', message: '--only `work,`: an empty selector selects nothing.' });
    expect(ran).toBe(0);
    expect((await aero.run({ only: ['work[]'] })).counts).toMatchObject({ ran: 1 });
    await aero.close();
  });
});
