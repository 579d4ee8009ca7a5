export { startUiServer, isLoopback, parsePort, type UiServer, type UiServerOptions } from './server.js';
export { buildReport, reportData, writeReport, type ReportOptions } from './report.js';
export { answerApi, type ApiAnswer } from './routes.js';
export { UiErrorCodes } from './errors.js';
export { lttb } from './shared/lttb.js';
export { ApiPaths } from './shared/api-types.js';
export type * from './shared/api-types.js';
