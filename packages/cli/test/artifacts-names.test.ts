import { beforeAll, describe, expect, it } from 'vitest';
import { aero, makeProject, refused } from './helpers.js';

// `aero artifacts NAME` where NAME is no plain folder name (`.`, `../x`, `prep.data/`): no
// artifact can have it, so it is refused as any unknown name is (ARTIFACT_NOT_FOUND, exit 2,
// with the nearest names), never handed to the store as a key prefix.

const pipeline = `import { defineAction, defineConfig } from '@aeroml/core';
const prep = defineAction({ name: 'prep', outputs: { data: { handler: 'json' } }, run: async ({ outputs }) => outputs.data.write([1, 2]) });
const train = defineAction({
  name: 'train', inputs: { data: prep.output('data') }, outputs: { model: { handler: 'json' } },
  run: async ({ inputs, outputs }) => outputs.model.write({ data: await inputs.data.read() }),
});
export default defineConfig({ actions: [prep, train] });
`;

describe('aero artifacts NAME that is no artifact name', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeProject('artifacts-names', { 'aero.config.ts': pipeline });
    const r = await aero(dir, 'run');
    expect(r.code, r.stderr).toBe(0);
  });

  it('is ARTIFACT_NOT_FOUND with the nearest artifact names, as `prep/data` is; the suggested name lists its versions', async () => {
    const near = (name: string, hint: string) => `[aero] ARTIFACT_NOT_FOUND: No artifact is named \`${name}\`.\n  hint: ${hint}\n`;
    const listed = 'Artifacts in the store: prep.data, train.model.';
    expect(await refused(dir, 'artifacts', 'prep/data')).toBe(near('prep/data', 'Did you mean `prep.data`?'));
    expect(await refused(dir, 'artifacts', 'prep.data/')).toBe(near('prep.data/', 'Did you mean `prep.data`?'));
    expect(await refused(dir, 'artifacts', 'prep\\data')).toBe(near('prep\\data', 'Did you mean `prep.data`?'));
    expect(await refused(dir, 'artifacts', '.')).toBe(near('.', listed));
    expect(await refused(dir, 'artifacts', '..')).toBe(near('..', listed));
    expect(await refused(dir, 'artifacts', '../x')).toBe(near('../x', listed));
    expect(await refused(dir, 'artifacts', '.aero-tmp-x')).toBe(near('.aero-tmp-x', listed));
    const json = await aero(dir, 'artifacts', 'prep.data/', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ type: 'error', code: 'ARTIFACT_NOT_FOUND', message: 'No artifact is named `prep.data/`.', hint: 'Did you mean `prep.data`?' });
    // The hinted name.
    const fixed = await aero(dir, 'artifacts', 'prep.data');
    expect({ code: fixed.code, stderr: fixed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(fixed.stdout).toMatch(/^prep\.data +[0-9a-f]{12} +json /m);
    expect(await refused(dir, 'artifacts', '')).toBe(near('', listed));
    // Without a name, every artifact is listed.
    const all = await aero(dir, 'artifacts');
    expect({ code: all.code, stderr: all.stderr }).toEqual({ code: 0, stderr: '' });
    expect(all.stdout).toMatch(/^train\.model +[0-9a-f]{12} +json /m);
  });

  it('in an empty store says there are no artifacts yet (exit 0), as for any name; the hinted `aero run` makes them', async () => {
    const empty = await makeProject('artifacts-names-empty', { 'aero.config.ts': pipeline });
    for (const name of ['.', '../x', 'prep.data/']) {
      expect(await aero(empty, 'artifacts', name)).toEqual({ code: 0, stdout: 'No artifacts yet. Run the pipeline with `aero run`.\n', stderr: '' });
    }
    expect((await aero(empty, 'run')).code).toBe(0);
    expect(await refused(empty, 'artifacts', 'prep.data/')).toBe('[aero] ARTIFACT_NOT_FOUND: No artifact is named `prep.data/`.\n  hint: Did you mean `prep.data`?\n');
  });
});
