// aero tag → W&B: an alias on the artifact version the producing run logged (W&B's
// addAliases, as its public API's Artifact.save sends it). The W&B artifact id comes from
// the producing run's spool: the outbox op that logged the version, and the id the service
// gave it (state.json). An alias names one version of its collection: W&B moves it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AeroError, ErrorCodes, type ArtifactRef, type TrackerContext } from '@aeroml/core';
import type { WandbClient } from './client.js';
import { PLUGIN } from './errors.js';
import { sanitizeName } from './mapping.js';
import { VIEWER, type ViewerResult } from './operations.js';
import { OUTBOX, readOutbox, readState, SPOOL_DIR, STATE } from './spool.js';

export const ADD_ALIASES = /* GraphQL */ `mutation AddAliases($artifactID: ID!, $aliases: [ArtifactCollectionAliasInput!]!) {
  addAliases(input: { artifactID: $artifactID, aliases: $aliases }) { success }
}`;

const failed = (message: string, hint: string) => new AeroError(ErrorCodes.TRACKER_FAILED, message, { plugin: PLUGIN, hint });

export async function aliasLoggedArtifact(client: WandbClient, entity: string | undefined, context: TrackerContext | undefined, ref: ArtifactRef, tag: string): Promise<void> {
  const producer = ref.producer;
  if (!producer) throw failed(`${ref.name}@${ref.digest.slice(0, 12)} has no producing run on record, so there is no W&B artifact version to alias.`, 'Tag a version made by a tracked run: aero tag <action>.<output>@<run-id> <tag>');
  // The run folders: the local store's root, or the project's .aero.
  const roots = [context?.store.localRoot, context ? join(context.cwd, '.aero') : undefined].filter((r): r is string => Boolean(r));
  const spoolDir = roots.map((r) => join(r, 'runs', producer.runId, SPOOL_DIR)).find((d) => existsSync(join(d, OUTBOX)));
  if (!spoolDir) throw failed(`Run ${producer.runId} has no W&B spool on this machine, so the W&B version of ${ref.name}@${ref.digest.slice(0, 12)} is not known here.`, 'Tag it on the machine that ran it, or add the alias in the W&B UI.');
  const { ops } = await readOutbox(join(spoolDir, OUTBOX));
  const op = ops.find((o) => o.type === 'artifact' && o.direction === 'output' && o.ref.digest === ref.digest);
  const state = await readState(join(spoolDir, STATE));
  const artifactId = op ? state.artifactIds[String(op.seq)] : undefined;
  if (!op || !artifactId) throw failed(`The W&B tracker has not delivered ${ref.name}@${ref.digest.slice(0, 12)} of run ${producer.runId} yet.`, 'Push it with `aero sync`, then tag again.');
  const viewer = entity ? undefined : await client.graphql<ViewerResult>('Viewer', VIEWER, {});
  const entityName = entity ?? viewer?.viewer?.entity ?? undefined;
  await client.graphql('AddAliases', ADD_ALIASES, {
    artifactID: artifactId,
    aliases: [{ ...(entityName ? { entityName } : {}), projectName: op.run.project, artifactCollectionName: sanitizeName(ref.name), alias: tag }],
  });
}
