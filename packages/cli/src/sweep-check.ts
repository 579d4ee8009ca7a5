import type { Aero } from '@aeroml/core';
import type { ParsedArgs } from './args.js';
import type { IO } from './io.js';
import { openProject } from './project.js';

/**
 * Plans every combination of a sweep before the first one runs (DESIGN: plan before
 * run): a misspelled key in one YAML option (`-m model=small,typo`) must stop the sweep
 * before anything ran, not after the combinations before it finished. The first
 * combination that cannot be planned is named and its error thrown.
 */
export async function planEveryCombination(args: ParsedArgs, combos: string[][], only: string[], io: IO): Promise<void> {
  let first: Aero | undefined;
  try {
    for (const [i, combo] of combos.entries()) {
      let aero: Aero | undefined;
      try {
        aero = await openProject(args, combo, first);
        aero.plan({ only });
      } catch (error) {
        io.err(`[aero] Sweep combination ${i + 1}/${combos.length} (${combo.join(' ') || 'no overrides'}) cannot run, so no combination was run:`);
        throw error;
      } finally {
        if (aero && first) await aero.close();
        first ??= aero;
      }
    }
  } finally {
    await first?.close();
  }
}
