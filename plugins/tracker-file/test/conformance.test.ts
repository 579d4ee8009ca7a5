import { describeTracker } from '@aero/test-utils';
import { fileTracker, readFileTracker } from '../src/index.js';

describeTracker('file', () => fileTracker(), {
  readBack: async ({ run }) => {
    const data = await readFileTracker(run.runDir);
    return { run: data.run, actions: data.actions };
  },
});

describeTracker('file (cached instances in their own folders)', () => fileTracker({ cachedActionFiles: true }), {
  readBack: async ({ run }) => readFileTracker(run.runDir),
  points: 500,
});
