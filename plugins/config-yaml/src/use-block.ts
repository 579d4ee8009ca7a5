import { AeroError, ErrorCodes } from '@aeroml/core';
import { PLUGIN } from './errors.js';

/**
 * A top-level `use:` list is aero's pins (`aero run --use`), not a param: taken out of the
 * params so no action sees it. A value that is not a list of strings is refused rather
 * than ignored (a pin that silently does nothing would run the producer).
 */
export function takeUseBlock(params: Record<string, unknown>): { params: Record<string, unknown>; use?: string[] } {
  if (!Object.prototype.hasOwnProperty.call(params, 'use')) return { params };
  const { use, ...rest } = params;
  const list = typeof use === 'string' ? [use] : use;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
    throw new AeroError(ErrorCodes.CONFIG_INVALID, `\`use:\` in the YAML config must be a list of pins like \`prep.data@best\`, got ${JSON.stringify(use)}.`, {
      plugin: PLUGIN,
      hint: 'Write it as `use: [prep.data@best]`, one <action>.<output>@<tag|digest-prefix|run-id> per entry.',
    });
  }
  return { params: rest, use: list as string[] };
}
