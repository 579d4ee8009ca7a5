// node stall.mjs <dir>: loads stalled-run.ts through jiti (a core dependency) and runs it.
// A run that stalls ends only when the process has nothing left to do, which a vitest
// worker never does: hence a process of its own.
import { createJiti } from 'jiti';
const [dir] = process.argv.slice(2);
const jiti = createJiti(import.meta.url);
const { main } = await jiti.import(new URL('./stalled-run.ts', import.meta.url).href);
await main(dir);
