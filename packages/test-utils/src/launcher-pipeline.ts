export interface LauncherPipelineOptions {
  /** Import line(s) for the plugins the config lists. */
  pluginImport: string;
  /** The `plugins: [...]` entries, e.g. `dockerLauncher({ image })`. */
  plugins: string;
  /** Expression for the `k` values `scale` is partitioned over. Default `[2, 3]`. */
  partitions?: string;
  /** Expression for the line `seed` logs. Default `'seed says hello'`. */
  greeting?: string;
  /** Whether `scale` logs the metric `k` for each partition. Default false. */
  metric?: boolean;
  /** Whether `total` (sums every partition of `scale`) is in the pipeline. Default true. */
  total?: boolean;
  /** More source after the three actions (imports are `defineAction`, `defineConfig`, `existsSync`, `join`). */
  extraActions?: string;
  /** Expression for the config's `actions`. Default `[seed, scale]` plus `total` when present. */
  actions?: string;
}

/**
 * The text of an `aero.config.ts` for testing a launcher end to end: `seed` writes
 * `[1, 2, 3, 4]` and logs a line, `scale` multiplies them by each partition's `k`, and
 * `total` sums all partitions; every output is json. Run it with the inline launcher and
 * with the one under test and compare `aero show latest --json`: the digests must agree.
 */
export function launcherPipelineSource(o: LauncherPipelineOptions): string {
  const total = o.total ?? true;
  return `import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineAction, defineConfig } from '@aeroml/core';
${o.pluginImport}

const seed = defineAction({
  name: 'seed',
  outputs: { values: { handler: 'json' } },
  async run({ outputs, log }) {
    log.info(${o.greeting ?? "'seed says hello'"});
    await outputs.values.write([1, 2, 3, 4]);
  },
});
const scale = defineAction({
  name: 'scale',
  partitions: { k: ${o.partitions ?? '[2, 3]'} },
  inputs: { values: seed.output('values') },
  outputs: { scaled: { handler: 'json', path: 'scaled-{k}.json' } },
  async run({ inputs, outputs, partition, log }) {
    const values = await inputs.values.read();
${o.metric ? "    log.metric('k', Number(partition.k));\n" : ''}    await outputs.scaled.write(values.map((v) => v * Number(partition.k)));
  },
});
${
  total
    ? `const total = defineAction({
  name: 'total',
  inputs: { parts: scale.output('scaled').all() },
  outputs: { sum: { handler: 'json' } },
  async run({ inputs, outputs }) {
    let sum = 0;
    for (const p of inputs.parts) for (const v of await p.read()) sum += v;
    await outputs.sum.write({ sum });
  },
});
`
    : ''
}${o.extraActions ?? ''}export default defineConfig({
  actions: ${o.actions ?? (total ? '[seed, scale, total]' : '[seed, scale]')},
  plugins: [${o.plugins}],
});
`;
}

/**
 * A no-op tracker, as source text for a generated config that must not depend on the
 * default tracker plugin.
 */
export const nullTrackerSource =
  "{ kind: 'tracker', name: 'null', version: '0', startRun() {}, startAction() {}, logParams() {}, logMetrics() {}, logArtifact() {}, setTags() {}, endAction() {}, endRun() {}, async flush() {}, async close() {} }";
