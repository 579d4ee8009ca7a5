import { fileURLToPath } from 'node:url';
import { runSetupScript } from '@aeroml/test-utils';

/** Installs (first time) Debian's numpy/astropy via tools/pyref/start.sh; a fast no-op afterwards. */
export default function setup(): void {
  runSetupScript(
    fileURLToPath(new URL('../../../tools/pyref/start.sh', import.meta.url)),
    'The numpy reference (tools/pyref/start.sh) could not be set up, so the numpy cross-checks cannot run.\nRun `bash tools/pyref/start.sh` from the repo root and fix what it reports.',
  );
}
