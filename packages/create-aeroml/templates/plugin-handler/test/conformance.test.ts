// The shared AssetHandler conformance suite from @aeroml/test-utils: every handler package
// should pass it. Add samples for the values your users write.
import { describeHandler } from '@aeroml/test-utils';
import { linesHandler } from '../src/index.js';

describeHandler<string[]>('lines', () => linesHandler(), {
  extension: 'lines',
  samples: [
    { name: 'words', value: ['alpha', 'beta', 'gamma'] },
    { name: 'empty file', value: [] },
    { name: 'empty lines and unicode', value: ['', 'π ≈ 3.14159', '', 'naïve café'] },
  ],
  corrupt: [
    { name: 'NUL byte', content: 'a\0b\n' },
    { name: 'invalid UTF-8', content: Uint8Array.of(0x61, 0xff, 0xfe, 0x0a) },
  ],
  invalid: [
    { name: 'a string', value: 'not an array' },
    { name: 'a line with a newline', value: ['one\ntwo'] },
    { name: 'a number', value: [1] },
  ],
});

describeHandler<string[]>('lines (crlf)', () => linesHandler({ eol: 'crlf' }), {
  extension: 'lines',
  samples: [{ name: 'words', value: ['alpha', 'beta'] }],
});
