import { describeTracker } from '@aero/test-utils';
import { fileTracker, readFileTracker } from '../src/index.js';

describeTracker('file', () => fileTracker(), {
  readBack: ({ run }) => readFileTracker(run.runDir),
});

describeTracker('file (cachedActionFiles, fsync)', () => fileTracker({ cachedActionFiles: true, fsync: true }), {
  readBack: ({ run }) => readFileTracker(run.runDir),
  points: 500,
});
