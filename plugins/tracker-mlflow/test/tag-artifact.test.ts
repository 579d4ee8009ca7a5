import { describe, expect, inject, it } from 'vitest';
import { MlflowClient, mlflowTracker } from '../src/index.js';
import { actionInfo, makeProject, runInfo, storeArtifact } from './support/fixtures.js';

const { trackingUri } = inject('mlflow');
const client = new MlflowClient({ trackingUri });

// `aero tag` mirrored: a tag on the MLflow run of the instance that produced the version.
describe('tagArtifact (aero tag) against a real MLflow server', () => {
  it('sets aero.tag.<tag> on the producing action run, from a tracker that did not log it (a later process)', async () => {
    const project = await makeProject();
    const run = runInfo(project.runsRoot);
    const prep = actionInfo(run, 'prep');
    const data = await storeArtifact(project.aeroDir, 'prep.data', { 'data.json': '[1,2]' }, { producer: { runId: run.runId, instanceId: 'prep', cacheKey: prep.cacheKey } });
    const logging = mlflowTracker({ trackingUri });
    await logging.startRun(run);
    await logging.startAction(prep);
    await logging.logArtifact({ runId: run.runId, instanceId: 'prep' }, data, 'output');
    await logging.endAction({ runId: run.runId, instanceId: 'prep' }, { status: 'ran', durationMs: 1 });
    await logging.endRun({ runId: run.runId }, { status: 'succeeded', durationMs: 2 });
    await logging.flush();
    const childId = logging.mlflowRunId({ runId: run.runId, instanceId: 'prep' })!;
    await logging.close();

    const later = mlflowTracker({ trackingUri });
    await later.init!({ store: undefined as never, logger: { debug() {}, info() {}, warn() {}, error() {} }, project: run.project, cwd: project.root });
    await later.tagArtifact!(data, 'best');
    const tags = Object.fromEntries(((await client.getRun(childId))!.data?.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags['aero.tag.best']).toBe(`prep.data@${data.digest}`);
    await later.close();
  });

  it('a version whose producing run MLflow never saw is a TRACKER_FAILED error naming the run', async () => {
    const project = await makeProject();
    const run = runInfo(project.runsRoot);
    const data = await storeArtifact(project.aeroDir, 'prep.data', { 'data.json': '[3]' }, { producer: { runId: run.runId, instanceId: 'prep', cacheKey: 'k' } });
    const tracker = mlflowTracker({ trackingUri, experimentName: 'Default' });
    await expect(tracker.tagArtifact!(data, 'best')).rejects.toMatchObject({
      code: 'TRACKER_FAILED',
      message: `No MLflow run of prep in aero run ${run.runId} in experiment \`Default\`: that run was not tracked by MLflow (or not synced yet).`,
    });
    await tracker.close();
  });
});
