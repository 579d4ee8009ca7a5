// Library entry: what `aero init` (and anyone embedding the scaffolder) calls.
export { scaffold, renderProject, scaffoldOptionsFrom, type ScaffoldOptions, type ScaffoldResult } from './scaffold.js';
export { TEMPLATES, TEMPLATE_IDS, PLUGIN_KINDS, PLUGIN_KIND_DESCRIPTIONS, type TemplateId, type PluginKind, type TemplateInfo } from './templates.js';
export { completeChoices, checkTemplate, checkPluginKind, checkName, defaultName, DEFAULTS, type RawChoices, type Choices } from './choices.js';
export { promptChoices, type PromptStreams } from './prompts.js';
export { installDependencies } from './install.js';
export { parseCreateArgs, USAGE, type CreateArgs } from './args.js';
export { main, type MainIO } from './main.js';
export { CreateError, CreateErrorCodes, isCreateError, type CreateErrorCode } from './errors.js';
export { resolveTarballs, readTarballs, type Tarball } from './tarballs.js';
