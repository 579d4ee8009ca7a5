// The shared Tracker conformance suite from @aeroml/test-utils: it drives a full run
// (params, tags, thousands of metric points, artifacts, a failed action), then compares
// what readBack returns with what it sent.
import { describeTracker } from '@aeroml/test-utils';
import { jsonlTracker, readJsonlTracker } from '../src/index.js';

describeTracker('jsonl', () => jsonlTracker(), {
  readBack: ({ run }) => readJsonlTracker(run.runDir),
});
