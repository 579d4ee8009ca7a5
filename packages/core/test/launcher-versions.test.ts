import { describe, expect, it } from 'vitest';
import pkg from '../package.json';
import { inlineLauncher, processLauncher } from '../src/index.js';

describe('built-in launchers', () => {
  it('carry the version and name of @aeroml/core from package.json', () => {
    const inline = inlineLauncher(() => { throw new Error('not used'); });
    const proc = processLauncher();
    for (const launcher of [inline, proc]) {
      expect(launcher.version).toBe(pkg.version);
      expect(launcher.packageName).toBe(pkg.name);
    }
  });
});
