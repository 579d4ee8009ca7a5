import { fileURLToPath } from 'node:url';
import { describeLauncher } from '@aeroml/test-utils';
import { CLI } from './helpers.js';

// The process launcher lives in core; it passes the same conformance suite as the
// docker and slurm plugins, through the real CLI and `aero exec` workers.
describeLauncher('process', {
  launcherName: 'process',
  pluginImport: '',
  pluginExpression: '',
  workDir: fileURLToPath(new URL('../.test-projects', import.meta.url)),
  cli: CLI,
});
