import { createAero, type ArtifactManifest } from '@aeroml/core';
import { embeddedDefaults } from '../src/project.js';

/**
 * An artifact's manifest in a project's store, read the way aero reads it: a file under
 * `artifacts/`, or (for outputs made in the run's own process) the run journal record of
 * its cache entry.
 */
export async function manifestOf(cwd: string, name: string, digest: string): Promise<ArtifactManifest> {
  const aero = await createAero({ cwd, defaults: await embeddedDefaults(cwd) });
  try {
    return await aero.artifacts.getManifest(name, digest);
  } finally {
    await aero.close();
  }
}
