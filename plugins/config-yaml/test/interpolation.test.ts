import { describe, expect, it } from 'vitest';
import { withFiles } from './fixtures.js';
import { load, loadError, project } from './helpers.js';

describe('interpolation in composed YAML (OmegaConf "Variable interpolation")', () => {
  const conf = withFiles({
    'conf/config.yaml': `defaults:
  - model: small
  - data: mnist
  - _self_

seed: 1
run:
  name: \${model.name}-\${data.name}-s\${seed}
  units: \${model.units}
  seed: \${..seed}
  dir: \${env:AERO_TEST_OUT,/tmp/out}/\${.name}
`,
  });

  it('resolves absolute, relative, env and string interpolation after overrides are applied', async () => {
    delete process.env.AERO_TEST_OUT;
    const { params } = await load(project(conf), ['model=large', 'seed=3']);
    expect(params.run).toEqual({ name: 'large-mnist-s3', units: 512, seed: 3, dir: '/tmp/out/large-mnist-s3' });
  });

  it('reads environment variables', async () => {
    process.env.AERO_TEST_OUT = '/srv/out';
    try {
      expect(((await load(project(conf))).params.run as Record<string, unknown>).dir).toBe('/srv/out/small-mnist-s1');
    } finally {
      delete process.env.AERO_TEST_OUT;
    }
  });

  it('an override may itself interpolate', async () => {
    const { params } = await load(project(conf), ['+run.tag=${run.name}!']);
    expect((params.run as Record<string, unknown>).tag).toBe('small-mnist-s1!');
  });

  it('unresolved references name the path and the file that set it', async () => {
    const bad = withFiles({ 'conf/model/small.yaml': 'name: small\nunits: ${model.width}\n' });
    const error = await loadError(project(bad));
    expect(error.code).toBe('CONFIG_INTERPOLATION_UNRESOLVED');
    expect(error.message).toBe('Interpolation `${model.width}` in `model.units` (conf/model/small.yaml) refers to `model.width`, which does not exist.');
  });

  it('cycles name every path and file', async () => {
    const bad = withFiles({ 'conf/config.yaml': 'defaults:\n  - model: small\na: ${model.units}\n', 'conf/model/small.yaml': 'units: ${a}\n' });
    const error = await loadError(project(bad));
    expect(error.code).toBe('CONFIG_INTERPOLATION_CYCLE');
    expect(error.message).toBe('Interpolation cycle: `model.units` (conf/model/small.yaml) → `a` (conf/config.yaml) → `model.units` (conf/model/small.yaml).');
  });

  it('an override that creates a cycle names <cli> as its source', async () => {
    const error = await loadError(project(conf), ['seed=${run.seed}']);
    expect(error.message).toBe('Interpolation cycle: `seed` (<cli>) → `run.seed` (conf/config.yaml) → `seed` (<cli>).');
  });
});

describe('missing values ??? (OmegaConf "Mandatory values")', () => {
  const conf = withFiles({ 'conf/data/mnist.yaml': 'name: mnist\npath: ???\nbatch: 32\n' });

  it('are errors naming the path and file, unless given', async () => {
    const error = await loadError(project(conf));
    expect(error.code).toBe('CONFIG_MISSING_VALUE');
    expect(error.message).toBe('Missing mandatory value `data.path` (conf/data/mnist.yaml): it is `???` and nothing gave it a value.');
    expect(error.hint).toBe('Give it on the command line, e.g. data.path=<value>');
    expect(((await load(project(conf), ['data.path=/x'])).params.data as Record<string, unknown>).path).toBe('/x');
  });

  it('??? does not replace a value already set by base params or an earlier config (OmegaConf merge)', async () => {
    const { params, origins } = await load(project(conf), [], { data: { path: '/from/base' } });
    expect((params.data as Record<string, unknown>).path).toBe('/from/base');
    expect(origins!['data.path']).toBe('<aero.config.ts>');
  });

  it('missing: omit drops them so schema defaults apply; keep leaves them', async () => {
    expect((await load(project(conf), [], {}, { missing: 'omit' })).params.data).toEqual({ name: 'mnist', batch: 32 });
    expect(((await load(project(conf), [], {}, { missing: 'keep' })).params.data as Record<string, unknown>).path).toBe('???');
  });
});
