// The shared AssetHandler conformance suite from @aeroml/test-utils: every handler package
// (first-party or not) should pass it.
import { describeHandler } from '@aeroml/test-utils';
import { netpbmHandler, netpbmImage, type NetpbmImage } from '../src/index.js';

const gray8 = netpbmImage(3, 2, { data: Uint8Array.of(0, 64, 128, 192, 255, 7) });
const gray16 = netpbmImage(2, 2, { maxval: 65535, data: Uint16Array.of(0, 1, 256, 65535) });
const rgb = netpbmImage(2, 1, { channels: 3, data: Uint8Array.of(255, 0, 0, 0, 0, 255) });
const tiny = netpbmImage(1, 1, { maxval: 1, data: Uint8Array.of(1) });

describeHandler<NetpbmImage>('netpbm (binary)', () => netpbmHandler({ comment: 'written by aero' }), {
  extension: 'pnm',
  samples: [
    { name: 'gray 8-bit', value: gray8 },
    { name: 'gray 16-bit', value: gray16 },
    { name: 'rgb', value: rgb },
    { name: '1x1 maxval 1', value: tiny },
  ],
  corrupt: [
    { name: 'text', content: 'hello world' },
    { name: 'truncated raster', content: 'P5\n4 4\n255\nabc' },
    { name: 'sample above maxval', content: 'P2\n2 1\n10\n5 11\n' },
    { name: 'pbm bitmap', content: 'P1\n1 1\n1\n' },
  ],
  invalid: [
    { name: 'wrong sample count', value: netpbmImage(2, 2, { data: new Uint8Array(3) }) },
    { name: '16-bit samples in a Uint8Array', value: { width: 1, height: 1, channels: 1, maxval: 1000, data: new Uint8Array(1) } },
    { name: 'not an image', value: 'cat.png' },
  ],
});

describeHandler<NetpbmImage>('netpbm (plain P2/P3)', () => netpbmHandler({ plain: true }), {
  extension: 'pgm',
  samples: [
    { name: 'gray 8-bit', value: gray8 },
    { name: 'gray 16-bit', value: gray16 },
    { name: 'wide', value: netpbmImage(40, 3, { data: new Uint8Array(120).map((_, i) => (i * 37) % 256) }) },
  ],
  invalid: [{ name: 'rgb into .pgm', value: rgb }],
});
