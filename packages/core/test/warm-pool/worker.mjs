// The `aero exec` of warm-pool.test.ts: core's runWorker, loaded from source through jiti
// (a core dependency), as the CLI's exec command calls it.
import { createJiti } from 'jiti';
const jiti = createJiti(import.meta.url);
const { runWorker } = await jiti.import(new URL('../../src/index.ts', import.meta.url).href);
const specPath = process.argv[process.argv.indexOf('--spec') + 1];
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
const result = await runWorker(specPath, { signal: controller.signal });
if (process.connected) process.disconnect();
process.exitCode = result.ok ? 0 : 1;
