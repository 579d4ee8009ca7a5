import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { defineHandler, isAeroError, writeAtomic, type AssetHandler, type PluginBase } from '@aeroml/core';
import { version } from '../package.json';
import type { NetpbmImage } from './image.js';
import { checkImage, formatNetpbm, parseNetpbm } from './netpbm.js';
import { netpbmOptionsSchema, type NetpbmOptions, type ResolvedNetpbmOptions } from './options.js';
import { netpbmError, NetpbmErrorCodes, PLUGIN } from './errors.js';

export type NetpbmHandler = AssetHandler<NetpbmImage>;

/**
 * The `netpbm` handler for PGM (gray) and PPM (RGB) images: `plugins: [netpbmHandler()]`,
 * then outputs like `{ handler: 'netpbm', path: 'frames/{frame:04d}.pgm' }`.
 */
export const netpbmHandler: (options?: NetpbmOptions) => NetpbmHandler = defineHandler({
  name: 'netpbm',
  packageName: PLUGIN,
  version,
  factory: 'netpbmHandler',
  // Validated when the config is loaded: a typo fails before anything runs.
  options: netpbmOptionsSchema,
  setup: (settings) => netpbmMembers(settings),
});

function netpbmMembers(settings: ResolvedNetpbmOptions): Omit<NetpbmHandler, keyof PluginBase> {
  return {
    extensions: ['pgm', 'ppm', 'pnm'],

    async read(path) {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path);
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        throw netpbmError(NetpbmErrorCodes.READ_FAILED, `Could not read ${path}: ${missing ? 'the file does not exist' : (error as Error).message}.`, missing ? 'Check the path.' : 'Check the file permissions.', error);
      }
      return parseNetpbm(bytes, path);
    },

    async write(path, value) {
      // Check everything before touching the disk, then write atomically with core's helper
      // (temp file, then rename): readers never see half an image, and a failed write
      // leaves nothing behind.
      const image = checkImage(value, path, extname(path).slice(1).toLowerCase());
      const bytes = formatNetpbm(image, settings);
      try {
        await writeAtomic(path, bytes);
      } catch (error) {
        if (isAeroError(error)) throw error;
        throw netpbmError(NetpbmErrorCodes.WRITE_FAILED, `Could not write ${path}: ${(error as Error).message}.`, 'Check that the directory is writable and the disk is not full.', error);
      }
    },

    describe(image) {
      return { width: image.width, height: image.height, channels: image.channels, maxval: image.maxval };
    },
  };
}
