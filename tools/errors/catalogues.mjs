// Loads every package of this repository that declares error codes, so that their
// catalogues (defineErrors in each package's errors.ts, rows in errors.json) are in core's registry. The
// built dist/ of each package is used: build them first (`npx tsup` in the package).
export const PACKAGES = [
  '@aeroml/core',
  '@aeroml/ui',
  '@aeroml/config-yaml',
  '@aeroml/store-local',
  '@aeroml/store-s3',
  '@aeroml/handler-text',
  '@aeroml/handler-npy',
  '@aeroml/handler-fits',
  '@aeroml/tracker-file',
  '@aeroml/tracker-mlflow',
  '@aeroml/tracker-wandb',
  '@aeroml/launcher-docker',
  '@aeroml/launcher-slurm',
];

/** Every declared error entry, core's first, then each package's in the order above. */
export async function loadCatalogue() {
  for (const name of PACKAGES) await import(name);
  const { listErrors } = await import('@aeroml/core');
  const order = new Map(PACKAGES.map((name, i) => [name, i]));
  return listErrors().slice().sort((a, b) => (order.get(a.plugin) ?? 99) - (order.get(b.plugin) ?? 99));
}
