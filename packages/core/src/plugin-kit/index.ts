export { parsePluginOptions, pluginOptionsError, type PluginRef, type PluginOptionProblem } from './parse-options.js';
export { noOptions, type NoOptions, type PluginDefinition, type PluginFactory, type PluginIdentity } from './define-plugin.js';
export { defineStore, type StoreMembers } from './define-store.js';
export { defineTracker, type TrackerMembers } from './define-tracker.js';
export { defineHandler, type HandlerMembers } from './define-handler.js';
export { defineLauncher, type LauncherMembers } from './define-launcher.js';
export { defineConfigLoader, type ConfigLoaderMembers } from './define-config-loader.js';
export { serverAbsent } from './server-absent.js';
