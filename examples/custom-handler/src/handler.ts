import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { defineHandler, isAeroError, writeAtomic, type AssetHandler, type PluginBase } from '@aeroml/core';
import type { NetpbmImage } from './image.js';
import { checkImage, formatNetpbm, parseNetpbm } from './netpbm.js';
import { netpbmOptionsSchema, type NetpbmOptions, type ResolvedNetpbmOptions } from './options.js';
import { identity, netpbmError, NetpbmErrorCodes, readFailed } from './errors.js';

export type NetpbmHandler = AssetHandler<NetpbmImage>;

/**
 * The `netpbm` handler for PGM (gray) and PPM (RGB) images: `plugins: [netpbmHandler()]`,
 * then outputs like `{ handler: 'netpbm', path: 'frames/{frame:04d}.pgm' }`. Its options
 * are validated when the config is loaded: a typo fails before anything runs.
 */
export const netpbmHandler: (options?: NetpbmOptions) => NetpbmHandler = defineHandler({ ...identity, name: 'netpbm', factory: 'netpbmHandler', options: netpbmOptionsSchema, setup: netpbmMembers });

function netpbmMembers(settings: ResolvedNetpbmOptions): Omit<NetpbmHandler, keyof PluginBase> {
  return {
    extensions: ['pgm', 'ppm', 'pnm'],

    async read(path) {
      const bytes = await readFile(path).catch((error: unknown) => {
        throw readFailed(path, error);
      });
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
