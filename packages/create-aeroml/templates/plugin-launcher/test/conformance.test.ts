// The shared Launcher conformance suite from @aeroml/test-utils, through the real `aero`
// CLI: a partitioned pipeline gives the same digests as the inline launcher, worker errors
// and crashes are reported, Ctrl-C cancels. It imports the built plugin (npm test builds
// first), as a user's aero.config.ts would.
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describeLauncher } from '@aeroml/test-utils';

const here = fileURLToPath(new URL('..', import.meta.url));
const cli = join(dirname(createRequire(import.meta.url).resolve('@aeroml/cli/package.json')), 'dist/bin.js');

describeLauncher('nice', {
  launcherName: 'nice',
  pluginImport: `import { niceLauncher } from ${JSON.stringify(join(here, 'dist/index.js'))};`,
  pluginExpression: 'niceLauncher({ niceness: 5 })',
  // Inside the project, so the test pipelines resolve @aeroml/core from its node_modules.
  workDir: join(here, '.test-work'),
  cli,
});
