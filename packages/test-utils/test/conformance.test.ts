import { describeConfigLoader, describeHandler, describeStore, describeTracker } from '../src/index.js';
import { jsonConfig, linesHandler, memoryStoreFactory, memoryTracker } from './reference.js';
import { jsonConfigSuite } from './fixtures/json-config-suite.js';

describeStore('memory (reference)', memoryStoreFactory());

const tracker = memoryTracker();
describeTracker('memory (reference)', tracker.factory, { readBack: tracker.readBack });

describeHandler('lines (reference)', () => linesHandler(), {
  extension: 'lines',
  samples: [
    { name: 'empty', value: [] },
    { name: 'words', value: ['alpha', 'beta', 'gämma ✓'] },
    { name: 'blank lines', value: ['', 'x', ''] },
  ],
  corrupt: [{ name: 'nul byte', content: 'a\0b\n' }],
  invalid: [
    { name: 'not an array', value: 'alpha' },
    { name: 'embedded newline', value: ['a\nb'] },
  ],
});

describeConfigLoader('json (reference)', () => jsonConfig(), jsonConfigSuite);

// logParams and setTags are optional in the contract: a tracker without them passes too.
const minimal = memoryTracker();
describeTracker(
  'memory without logParams and setTags',
  () => {
    const { logParams: _params, setTags: _tags, ...required } = minimal.factory();
    return required;
  },
  { readBack: minimal.readBack },
);
