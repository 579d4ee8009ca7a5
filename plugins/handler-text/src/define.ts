import { defineHandler, type AssetHandler } from '@aeroml/core';
import { PLUGIN } from './errors.js';
import type { HandlerOf } from './options.js';
import { VERSION } from './version.js';

/**
 * A handler of this package that takes no options: defineHandler with the package's name
 * and version, its factory named `<name>Handler` (as exported).
 */
export function optionlessHandler<T>(name: string, members: () => HandlerOf<T>): (options?: Record<string, never>) => AssetHandler<T> {
  return defineHandler({ name, packageName: PLUGIN, version: VERSION, factory: `${name}Handler`, setup: members });
}
