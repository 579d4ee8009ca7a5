import { basename, resolve } from 'node:path';
import { CreateError, CreateErrorCodes } from './errors.js';
import { didYouMean } from './suggest.js';
import { PLUGIN_KINDS, TEMPLATE_IDS, type PluginKind, type TemplateId } from './templates.js';

/** What the user chose, before anything is checked or defaulted. */
export interface RawChoices {
  dir?: string | undefined;
  template?: string | undefined;
  pluginKind?: string | undefined;
  name?: string | undefined;
  install?: boolean | undefined;
}

export interface Choices {
  dir: string;
  template: TemplateId;
  pluginKind?: PluginKind | undefined;
  name: string;
  install: boolean;
}

export const DEFAULTS = { dir: 'my-pipeline', template: 'ts', pluginKind: 'handler', install: true } as const;

export function checkTemplate(value: string): TemplateId {
  if ((TEMPLATE_IDS as readonly string[]).includes(value)) return value as TemplateId;
  throw new CreateError(CreateErrorCodes.UNKNOWN_TEMPLATE, `Unknown template \`${value}\`.${didYouMean(value, TEMPLATE_IDS)} Templates: ${TEMPLATE_IDS.join(', ')}.`, {
    hint: 'Pass one of them: --template ts',
  });
}

export function checkPluginKind(value: string): PluginKind {
  if ((PLUGIN_KINDS as readonly string[]).includes(value)) return value as PluginKind;
  throw new CreateError(CreateErrorCodes.UNKNOWN_PLUGIN_KIND, `Unknown plugin kind \`${value}\`.${didYouMean(value, PLUGIN_KINDS)} Kinds: ${PLUGIN_KINDS.join(', ')}.`, {
    hint: 'Pass one of them: --template plugin --plugin-kind handler',
  });
}

// npm's rules for a package name: lower case, URL-safe, optionally @scope/, at most 214 characters.
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export function checkName(value: string): string {
  if (value.length <= 214 && NPM_NAME.test(value)) return value;
  throw new CreateError(CreateErrorCodes.INVALID_NAME, `\`${value}\` is not a valid npm package name: use lower-case letters, digits, - . _ ~ and an optional @scope/ (at most 214 characters).`, {
    hint: `Pass one with --name, e.g. --name ${defaultName(value)}`,
  });
}

/** A valid package name from a folder name: `My Pipeline` → `my-pipeline`. */
export function defaultName(folder: string): string {
  const cleaned = folder.toLowerCase().replace(/[^a-z0-9-._~]+/g, '-').replace(/^[-._]+|-+$/g, '');
  return cleaned || 'aero-project';
}

/** The default folder of a new project (plugins get an `aero-<kind>-` name). */
export function defaultDir(template: TemplateId, pluginKind: PluginKind | undefined): string {
  return template === 'plugin' ? `aero-${pluginKind ?? DEFAULTS.pluginKind}-plugin` : DEFAULTS.dir;
}

/**
 * Checks every given choice, then fills the rest with defaults. Called with
 * `useDefaults: false` (no TTY and no --yes), a choice that was not given is an error
 * naming the flags to pass: nothing is guessed for the user without being asked.
 * `dirGiven: false` in `aero init`, which always scaffolds into its folder.
 */
export function completeChoices(raw: RawChoices, options: { useDefaults: boolean; dirRequired: boolean; cwd: string }): Choices {
  const template = raw.template === undefined ? undefined : checkTemplate(raw.template);
  const pluginKind = raw.pluginKind === undefined ? undefined : checkPluginKind(raw.pluginKind);
  if (pluginKind && template && template !== 'plugin') {
    throw new CreateError(CreateErrorCodes.INVALID_ARGUMENTS, `--plugin-kind ${pluginKind} only applies to --template plugin, not --template ${template}.`, {
      hint: `Drop --plugin-kind, or pass --template plugin --plugin-kind ${pluginKind}.`,
    });
  }
  if (raw.name !== undefined) checkName(raw.name);
  if (!options.useDefaults) {
    const missing: string[] = [];
    if (options.dirRequired && raw.dir === undefined) missing.push('DIR (the new folder)');
    if (template === undefined && pluginKind === undefined) missing.push(`--template ${TEMPLATE_IDS.join('|')}`);
    if ((template ?? (pluginKind ? 'plugin' : undefined)) === 'plugin' && pluginKind === undefined) missing.push(`--plugin-kind ${PLUGIN_KINDS.join('|')}`);
    if (raw.install === undefined) missing.push('--install or --no-install');
    if (missing.length > 0) {
      throw new CreateError(CreateErrorCodes.MISSING_CHOICES, `No terminal to ask in, and these choices were not given:\n${missing.map((m) => `  - ${m}`).join('\n')}`, {
        hint: 'Pass them as flags, or pass --yes to take the defaults (template ts, install on).',
      });
    }
  }
  const finalTemplate: TemplateId = template ?? (pluginKind ? 'plugin' : DEFAULTS.template);
  const finalKind = finalTemplate === 'plugin' ? (pluginKind ?? DEFAULTS.pluginKind) : undefined;
  const dir = resolve(options.cwd, raw.dir ?? defaultDir(finalTemplate, finalKind));
  return {
    dir,
    template: finalTemplate,
    pluginKind: finalKind,
    name: raw.name ?? defaultName(basename(dir)),
    install: raw.install ?? DEFAULTS.install,
  };
}
