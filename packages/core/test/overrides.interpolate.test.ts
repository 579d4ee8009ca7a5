import { describe, expect, it } from 'vitest';
import { AeroAggregateError } from '../src/errors.js';
import { resolveInterpolations } from '../src/overrides/index.js';
import { caught } from './caught.js';

describe('resolveInterpolations (OmegaConf "Variable interpolation")', () => {
  it('absolute references keep the referenced type; string interpolation makes strings', () => {
    const tree = { model: { depth: 4, name: 'resnet' }, train: { depth: '${model.depth}', run: 'run-${model.name}-d${model.depth}' } };
    const out = resolveInterpolations(tree);
    expect(out.train).toEqual({ depth: 4, run: 'run-resnet-d4' });
    expect(tree.train.depth).toBe('${model.depth}');
  });

  it('relative references: ${.sibling} and ${..parent_key}', () => {
    const out = resolveInterpolations({ root: 'r', a: { x: 1, y: '${.x}', b: { z: '${..x}', w: '${...root}' } } });
    expect(out.a).toEqual({ x: 1, y: 1, b: { z: 1, w: 'r' } });
  });

  it('chains, list indexes and whole nodes', () => {
    const out = resolveInterpolations({ a: '${b}', b: '${c.1}', c: [10, 20], d: '${e}', e: { f: '${a}' }, g: '${c[0]}' });
    expect(out).toEqual({ a: 20, b: 20, c: [10, 20], d: { f: 20 }, e: { f: 20 }, g: 10 });
  });

  it('references through an interpolated node', () => {
    expect(resolveInterpolations({ base: { lr: 0.1 }, alias: '${base}', lr: '${alias.lr}' }).lr).toBe(0.1);
  });

  it('nested interpolation ${a.${b}}', () => {
    expect(resolveInterpolations({ which: 'small', sizes: { small: 8, large: 64 }, units: '${sizes.${which}}' }).units).toBe(8);
  });

  it('\\${ is a literal ${', () => {
    expect(resolveInterpolations({ a: 'cost \\${x}' }).a).toBe('cost ${x}');
  });

  it('${env:VAR,default} decodes like OmegaConf 2.0 env; ${oc.env:...} keeps strings like OmegaConf 2.1', () => {
    const env = { PORT: '8080', NAME: 'box' };
    const out = resolveInterpolations(
      {
        port: '${env:PORT}',
        port2: '${oc.env:PORT}',
        name: '${env:NAME,x}',
        fallback: '${env:NOPE,3}',
        quoted: "${env:NOPE,'3'}",
        nul: '${oc.env:NOPE,null}',
        path: '${oc.env:NOPE,/tmp/a}/b',
        dflt: '${env:NOPE,${name}}',
      },
      { env },
    );
    expect(out).toEqual({ port: 8080, port2: '8080', name: 'box', fallback: 3, quoted: '3', nul: null, path: '/tmp/a/b', dflt: 'box' });
  });

  it('${oc.select:path,default}', () => {
    expect(resolveInterpolations({ a: 1, b: '${oc.select:a,2}', c: '${oc.select:nope,2}', d: '${oc.select:nope}' })).toEqual({ a: 1, b: 1, c: 2, d: null });
  });

  it('an unresolved reference names the path, the reference and the file', () => {
    const error = caught(() => resolveInterpolations({ train: { units: '${model.size}' }, model: {} }, { origins: { 'train.units': 'conf/trainer/default.yaml' } }));
    expect(error.code).toBe('CONFIG_INTERPOLATION_UNRESOLVED');
    expect(error.message).toBe('Interpolation `${model.size}` in `train.units` (conf/trainer/default.yaml) refers to `model.size`, which does not exist.');
    expect(caught(() => resolveInterpolations({ a: '${x.y.z}' })).message).toBe('Interpolation `${x.y.z}` in `a` refers to `x.y.z`, which does not exist (no `x`).');
  });

  it('a cycle is an error that lists the paths in order, with their files', () => {
    const error = caught(() => resolveInterpolations({ a: '${b}', b: { c: '${a}' } }, { origins: { a: 'conf/config.yaml', b: 'conf/model/x.yaml' } }));
    expect(error.code).toBe('CONFIG_INTERPOLATION_CYCLE');
    expect(error.message).toBe('Interpolation cycle: `a` (conf/config.yaml) → `b.c` (conf/model/x.yaml) → `a` (conf/config.yaml).');
    expect(caught(() => resolveInterpolations({ a: 'x${a}' })).message).toBe('Interpolation cycle: `a` → `a`.');
  });

  it('missing env variable without default', () => {
    const error = caught(() => resolveInterpolations({ db: { pw: '${env:DB_PW}' } }, { env: {} }));
    expect(error.code).toBe('CONFIG_ENV_MISSING');
    expect(error.message).toBe('Environment variable `DB_PW` is not set (interpolation `${env:DB_PW}` in `db.pw`).');
    expect(error.hint).toBe('Set DB_PW, or give a default: ${env:DB_PW,default}');
  });

  it('malformed interpolations and unknown resolvers', () => {
    const unclosed = caught(() => resolveInterpolations({ a: 'x ${b' }));
    expect(unclosed.code).toBe('CONFIG_INTERPOLATION_INVALID');
    expect(unclosed.message).toBe('Invalid interpolation `x ${b` in `a`: `${b` has no closing `}`.');
    expect(caught(() => resolveInterpolations({ a: '${now:}' })).message).toBe('Invalid interpolation `${now:}` in `a`: unknown resolver `now` (known: env, oc.env, oc.select).');
    expect(caught(() => resolveInterpolations({ a: { b: '${....x}' } })).message).toContain('goes above the top of the config');
    expect(caught(() => resolveInterpolations({ a: '${}' })).message).toContain('`${}` is empty');
  });

  it('missing mandatory values (???): error by default, listing each path and file', () => {
    const error = caught(() => resolveInterpolations({ data: { path: '???', n: '???' } }, { origins: { 'data.path': 'conf/data/mnist.yaml' } }));
    expect(error).toBeInstanceOf(AeroAggregateError);
    expect(error.message).toBe(
      'The config has 2 problems:\n' +
        '  - Missing mandatory value `data.path` (conf/data/mnist.yaml): it is `???` and nothing gave it a value. (Give it on the command line, e.g. data.path=<value>)\n' +
        '  - Missing mandatory value `data.n`: it is `???` and nothing gave it a value. (Give it on the command line, e.g. data.n=<value>)',
    );
    expect((error as AeroAggregateError).issues.map((i) => i.code)).toEqual(['CONFIG_MISSING_VALUE', 'CONFIG_MISSING_VALUE']);
  });

  it('missing: omit drops the keys, keep leaves them', () => {
    expect(resolveInterpolations({ a: '???', b: [1, '???', '???'], c: 1 }, { missing: 'omit' })).toEqual({ b: [1], c: 1 });
    expect(resolveInterpolations({ a: '???' }, { missing: 'keep' })).toEqual({ a: '???' });
  });

  it('a reference to a missing value is an error naming both paths', () => {
    const error = caught(() => resolveInterpolations({ a: '???', b: '${a}' }, { missing: 'keep' }));
    expect(error.code).toBe('CONFIG_MISSING_VALUE');
    expect(error.message).toBe('Interpolation `${a}` in `b` refers to `a`, which is a missing mandatory value (???).');
  });

  it('a whole reference takes the origins of what it copied, so later errors name the right file', () => {
    const origins: Record<string, string> = { data: 'conf/data/a.yaml', 'data.n': '<cli>', 'data.name': 'conf/data/a.yaml', generate: 'conf/config.yaml', units: 'conf/config.yaml', 'model.units': 'conf/model/m.yaml', label: 'conf/config.yaml' };
    resolveInterpolations({ data: { n: 'x', name: 'a' }, generate: '${data}', model: { units: 3 }, units: '${model.units}', label: 'n=${data.n}' }, { origins });
    expect(origins).toMatchObject({ generate: 'conf/data/a.yaml', 'generate.n': '<cli>', 'generate.name': 'conf/data/a.yaml', units: 'conf/model/m.yaml', label: 'conf/config.yaml' });
  });
});
