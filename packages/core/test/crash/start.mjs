// node start.mjs <dir> <total> <fast>: loads killed-run.ts through jiti (a core dependency) and runs it.
import { createJiti } from 'jiti';
const [dir, total, fast] = process.argv.slice(2);
const jiti = createJiti(import.meta.url);
const { main } = await jiti.import(new URL('./killed-run.ts', import.meta.url).href);
await main(dir, Number(total), Number(fast));
