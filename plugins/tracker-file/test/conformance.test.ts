import { describeTracker } from '@aeroml/test-utils';
import { fileTracker, readFileTracker } from '../src/index.js';

describeTracker('file', () => fileTracker(), {
  readBack: ({ run }) => readFileTracker(run.runDir),
});

describeTracker('file (fsync)', () => fileTracker({ fsync: true }), {
  readBack: ({ run }) => readFileTracker(run.runDir),
  points: 500,
});
