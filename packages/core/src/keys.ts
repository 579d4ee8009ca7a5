/** The store's key layout (DESIGN.md "Local layout"), in one place. */
export const StoreKeys = {
  blob: (sha256: string) => `objects/sha256/${sha256.slice(0, 2)}/${sha256}`,
  manifest: (name: string, digest: string) => `artifacts/${name}/${digest}.json`,
  artifactsPrefix: (name?: string) => (name ? `artifacts/${name}/` : 'artifacts/'),
  cacheEntry: (key: string) => `cache/${key}.json`,
  runRecord: (runId: string) => `runs/${runId}/run.json`,
  instanceRecord: (runId: string, instanceDir: string) => `runs/${runId}/${instanceDir}/record.json`,
  instanceLog: (runId: string, instanceDir: string) => `runs/${runId}/${instanceDir}/log.txt`,
  snapshot: (runId: string, file: string) => `runs/${runId}/snapshot/${file}`,
  runsPrefix: 'runs/',
} as const;

/**
 * Instance ids look like `simulate[split=test,sim=3]`; they are also folder names, so
 * characters that are awkward on disk or in object keys are replaced.
 */
export function instanceDirName(instanceId: string): string {
  return instanceId.replace(/[/\\:*?"<>| ]/g, '_');
}
