// aero tune's study as an MLflow parent run (study.ts), against the real server: trials
// nest under it, and a study and its trials spooled while the server was unreachable
// reach MLflow nested, in order, when `aero sync` sends only the trials' run folders.
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { RunInfo } from '@aeroml/core';
import { MlflowClient, mlflowTracker, type MlflowTracker } from '../src/index.js';
import { actionInfo, useProject, rid, runInfo } from './support/fixtures.js';
import { closedPort } from '@aeroml/test-utils';

const { trackingUri } = inject('mlflow');
const fast = { flushTimeoutMs: 5000, syncTimeoutMs: 60_000, retryDelayMs: 10, retryMaxDelayMs: 20, requestTimeoutMs: 3000, batchDelayMs: 5, offlineAfterAttempts: 1 };

/** What aero tune hands the trackers: the study's run (RunInfo.study) and each trial's run with the study's id as sweepId. */
function studyRuns(project: { aeroDir: string; runsRoot: string }, trials: number) {
  const projectName = `aero-study-${rid()}`;
  // Each test its own study folder (a study's spool keeps its MLflow id across commands).
  const name = `my-study-${rid(2)}`;
  const study = runInfo(project.runsRoot, { runId: `tune-s-${rid(3)}`, project: projectName, runName: name, params: { space: { x: 'interval(-5, 5)' }, sampler: 'random' }, study: { name } });
  study.runDir = join(project.aeroDir, 'tune', name, 'run');
  study.sweepId = study.runId;
  const runs = Array.from({ length: trials }, (_, i) => runInfo(project.runsRoot, { project: projectName, runName: `${name}-trial-${i}`, sweepId: study.runId, tags: { 'aero.tune.trial': String(i) } }));
  return { study, runs };
}

async function runTrial(tracker: MlflowTracker, run: RunInfo): Promise<void> {
  await tracker.startRun(run);
  await tracker.startAction(actionInfo(run, 'train'));
  await tracker.logMetrics({ runId: run.runId, instanceId: 'train' }, [{ name: 'loss', value: 1, step: 0, timestamp: Date.now() }]);
  await tracker.endAction({ runId: run.runId, instanceId: 'train' }, { status: 'ran', durationMs: 1 });
  await tracker.endRun({ runId: run.runId }, { status: 'succeeded', durationMs: 1 });
}

async function readTree(client: MlflowClient, experimentName: string) {
  const experiment = (await client.getExperimentByName(experimentName))!;
  const runs = await client.searchAllRuns({ experimentIds: [experiment.experiment_id] });
  const tag = (r: (typeof runs)[number], key: string) => r.data.tags.find((t) => t.key === key)?.value;
  const studies = runs.filter((r) => tag(r, 'aero.kind') === 'study');
  const childrenOf = (id: string) => runs.filter((r) => tag(r, 'mlflow.parentRunId') === id);
  return { runs, studies, childrenOf, tag };
}

describe('an aero tune study as an MLflow parent run', () => {
  const project = useProject();

  it('nests each trial under the study run; the study ends KILLED when interrupted', async () => {
    const tracker = mlflowTracker({ trackingUri, ...fast });
    const { study, runs } = studyRuns(project, 2);
    await tracker.startRun(study);
    for (const run of runs) await runTrial(tracker, run);
    await tracker.logMetrics({ runId: study.runId }, [{ name: 'best.train.loss', value: 1, step: 1, timestamp: Date.now() }]);
    await tracker.endRun({ runId: study.runId }, { status: 'interrupted', durationMs: 5 });
    await tracker.close();

    const tree = await readTree(tracker.client, study.project);
    expect(tree.studies).toHaveLength(1);
    const parent = tree.studies[0]!;
    expect(parent.info.status).toBe('KILLED');
    expect(parent.data.params.find((p) => p.key === 'space.x')?.value).toBe('interval(-5, 5)');
    const trials = tree.childrenOf(parent.info.run_id);
    expect(trials.map((r) => r.info.run_name).sort()).toEqual([`${study.runName}-trial-0`, `${study.runName}-trial-1`]);
    for (const trial of trials) expect(tree.childrenOf(trial.info.run_id).map((r) => tree.tag(r, 'aero.instance_id'))).toEqual(['train']);
  });

  it('spooled offline, `sync` of the trial runs sends their study first and nests them', async () => {
    const offline = mlflowTracker({ trackingUri: `http://127.0.0.1:${await closedPort()}`, ...fast });
    const { study, runs } = studyRuns(project, 2);
    await offline.startRun(study);
    for (const run of runs) await runTrial(offline, run);
    await offline.endRun({ runId: study.runId }, { status: 'succeeded', durationMs: 5 });
    const closed = await offline.close().then(() => null, (e: unknown) => e as { code: string });
    expect(closed?.code).toBe('MLFLOW_SPOOLED');

    // The spools point at the closed port's server: a tracker for the real one adopts spools with no MLflow ids yet.
    const syncer = mlflowTracker({ trackingUri, ...fast });
    const result = await syncer.sync({ runsRoot: project.runsRoot });
    expect(result.remaining).toBe(0);
    const tree = await readTree(syncer.client, study.project);
    expect(tree.studies).toHaveLength(1);
    const parent = tree.studies[0]!;
    expect(parent.info.status).toBe('FINISHED');
    const trials = tree.childrenOf(parent.info.run_id);
    expect(trials.map((r) => r.info.run_name).sort()).toEqual([`${study.runName}-trial-0`, `${study.runName}-trial-1`]);
    for (const trial of trials) expect(tree.childrenOf(trial.info.run_id)).toHaveLength(1);
    expect(tree.runs).toHaveLength(5);
    await syncer.close();
  });
});
