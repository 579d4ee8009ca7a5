import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { describeTracker } from '@aeroml/test-utils';
import { MlflowClient, mlflowTracker, type MlflowTracker } from '../src/index.js';
import { trackerReadBack } from './support/readback.js';

const { trackingUri } = inject('mlflow');
// A fresh experiment per test file run, so read-back sees only this run.
const project = `aero-conformance-${randomBytes(4).toString('hex')}`;
const client = new MlflowClient({ trackingUri });

describeTracker('mlflow', () => mlflowTracker({ trackingUri }) as MlflowTracker, {
  project,
  readBack: ({ run }) => trackerReadBack(client, project, run.runId),
});
