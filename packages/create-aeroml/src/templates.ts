/** What each template is and what its package.json needs; the files live in templates/. */
export const TEMPLATE_IDS = ['ts', 'yaml', 'python', 'plugin'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export const PLUGIN_KINDS = ['handler', 'tracker', 'store', 'launcher'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

export interface TemplateInfo {
  id: TemplateId;
  description: string;
}

export const TEMPLATES: readonly TemplateInfo[] = [
  { id: 'ts', description: 'a minimal TypeScript pipeline (generate → fit → evaluate)' },
  { id: 'yaml', description: 'a pipeline with Hydra-style YAML config groups (@aeroml/config-yaml)' },
  { id: 'python', description: 'a TypeScript action feeding a Python command step (defineCommand, python3)' },
  { id: 'plugin', description: 'a plugin package (handler, tracker, store or launcher) with its conformance test' },
];

export const PLUGIN_KIND_DESCRIPTIONS: Record<PluginKind, string> = {
  handler: 'an asset handler (string[] as .lines files), tested with describeHandler',
  tracker: 'a tracker writing one JSON-lines file per run, tested with describeTracker',
  store: 'a store keeping keys as files in a folder, tested with describeStore',
  launcher: 'a launcher running each job under `nice`, tested with describeLauncher',
};

/**
 * The template folders a project is rendered from, in order (later ones may add files).
 * Shared layers keep one copy of what several templates write: `pipeline` (tsconfig,
 * .gitignore) for every project, `pipeline-actions` (generate → fit → evaluate) for ts and
 * yaml, which differ only in where the params come from; `plugin` for every plugin kind.
 */
export function templateFolders(template: TemplateId, pluginKind?: PluginKind): string[] {
  if (template === 'plugin') return ['plugin', `plugin-${pluginKind ?? 'handler'}`];
  if (template === 'python') return ['pipeline', 'python'];
  return ['pipeline', 'pipeline-actions', template];
}

export interface PackagePlan {
  /** Published package names → where they go in package.json. */
  dependencies: string[];
  devDependencies: string[];
  peerDependencies: string[];
  scripts: Record<string, string>;
}

const TYPECHECK = 'tsc --noEmit -p tsconfig.json';

export function packagePlan(template: TemplateId, pluginKind?: PluginKind): PackagePlan {
  if (template === 'plugin') {
    return {
      dependencies: ['zod'],
      // The launcher's conformance suite drives the real `aero` CLI.
      devDependencies: ['@aeroml/core', '@aeroml/test-utils', ...(pluginKind === 'launcher' ? ['@aeroml/cli'] : []), 'vitest', 'tsup', 'typescript', '@types/node'],
      peerDependencies: ['@aeroml/core'],
      scripts: { build: 'tsup', typecheck: TYPECHECK, pretest: 'tsup', test: 'vitest run' },
    };
  }
  return {
    dependencies: ['@aeroml/cli', '@aeroml/core', ...(template === 'yaml' ? ['@aeroml/config-yaml'] : []), 'zod'],
    devDependencies: ['typescript', '@types/node'],
    peerDependencies: [],
    scripts: { start: 'aero run', typecheck: TYPECHECK },
  };
}
