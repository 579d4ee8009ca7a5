// aero tag → MLflow: a tag on the MLflow run of the action instance that produced the
// version (`aero.tag.<tag>` = `<artifact>@<digest>`), so the MLflow UI can find it by name.
import { AeroError, ErrorCodes, type ArtifactRef } from '@aeroml/core';
import type { MlflowClient } from './client/client.js';
import { PLUGIN } from './errors.js';

/** A single-quoted string of MLflow's search filter (backslash escapes, as its parser reads them). */
const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function tagProducerRun(client: MlflowClient, experimentName: string | undefined, ref: ArtifactRef, tag: string): Promise<void> {
  const producer = ref.producer;
  if (!experimentName) {
    throw new AeroError(ErrorCodes.TRACKER_FAILED, 'The MLflow tracker does not know its experiment (it was not given one, nor initialised with the project).', { plugin: PLUGIN, hint: 'Set mlflowTracker({ experimentName }) or run through the aero CLI.' });
  }
  if (!producer) {
    throw new AeroError(ErrorCodes.TRACKER_FAILED, `${ref.name}@${ref.digest.slice(0, 12)} has no producing run on record, so there is no MLflow run to tag.`, { plugin: PLUGIN, hint: 'Tag a version made by a tracked run: aero tag <action>.<output>@<run-id> <tag>' });
  }
  const experiment = await client.getExperimentByName(experimentName);
  const runs = experiment
    ? await client.searchAllRuns({ experimentIds: [experiment.experiment_id], filter: `tags."aero.run_id" = ${quote(producer.runId)} and tags."aero.instance_id" = ${quote(producer.instanceId)}` })
    : [];
  if (runs.length === 0) {
    throw new AeroError(ErrorCodes.TRACKER_FAILED, `No MLflow run of ${producer.instanceId} in aero run ${producer.runId} in experiment \`${experimentName}\`: that run was not tracked by MLflow (or not synced yet).`, { plugin: PLUGIN, hint: 'Push spooled runs with `aero sync`, then tag again.' });
  }
  for (const run of runs) await client.setTag(run.info.run_id, `aero.tag.${tag}`, `${ref.name}@${ref.digest}`);
}
