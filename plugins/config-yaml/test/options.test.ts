import { AeroError } from '@aeroml/core';
import { describe, expect, it } from 'vitest';
import { pluginOptionsError } from '@aeroml/test-utils';
import { yamlConfig, yamlConfigOptionsSchema } from '../src/index.js';

describe('yamlConfig options', () => {
  it('defaults: conf/config.yaml, missing values are errors', () => {
    expect(yamlConfigOptionsSchema.parse({})).toEqual({ dir: 'conf', configName: 'config', missing: 'error' });
    const loader = yamlConfig();
    expect(loader).toMatchObject({ kind: 'config', name: 'yaml', packageName: '@aeroml/config-yaml' });
    expect(loader.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('bad options throw PLUGIN_OPTIONS_INVALID listing each problem with its path', () => {
    const error = pluginOptionsError(() => yamlConfig({ dir: '', missing: 'sometimes', extra: 1 } as never), '@aeroml/config-yaml');
    expect(error).toBeInstanceOf(AeroError);
    const e = error as AeroError;
    expect(e.message).toBe(
      [
        'Invalid options for yamlConfig():',
        '  - `dir`: Too small: expected string to have >=1 characters',
        '  - `missing`: Invalid option: expected one of "error"|"omit"|"keep"',
        '  - `extra`: unknown option.',
      ].join('\n'),
    );
    expect(e.format()).toContain('[aero] [@aeroml/config-yaml] Invalid options for yamlConfig():');
  });

  it('an unknown option gets the nearest valid name', () => {
    expect(() => yamlConfig({ configname: 'main' } as never)).toThrow('  - `configname`: unknown option. Did you mean `configName`?');
  });
});
