// node child.mjs <mode> <target> <text> [goAtMs]: runs src/util/atomic-write.ts (through jiti,
// a core dependency) in its own process, for the cross-process tests of atomic-write.test.ts.
//   race  waits until goAtMs, then writes <text> ifAbsent and prints whether it won
//   hang  starts a streamed write of <text> that never finishes (the test kills it)
//   temps prints 100 temp names for <target>'s directory
import { createJiti } from 'jiti';
const [mode, target, text, goAt] = process.argv.slice(2);
const jiti = createJiti(import.meta.url);
const { atomicTempPath, writeAtomic } = await jiti.import(new URL('../../src/util/atomic-write.ts', import.meta.url).href);
if (mode === 'race') {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(goAt) - Date.now())));
  const written = await writeAtomic(target, text, { ifAbsent: true, durable: true });
  process.stdout.write(written ? 'won' : 'lost');
} else if (mode === 'hang') {
  async function* body() {
    yield text;
    process.stdout.write('writing\n');
    await new Promise(() => setInterval(() => {}, 1000));
  }
  await writeAtomic(target, body());
} else if (mode === 'temps') {
  const names = [];
  for (let i = 0; i < 100; i++) names.push(atomicTempPath(target));
  process.stdout.write(names.join('\n'));
}
