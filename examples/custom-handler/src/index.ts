export { netpbmHandler, type NetpbmHandler } from './handler.js';
export { netpbmOptionsSchema, type NetpbmOptions } from './options.js';
export { netpbmImage, type NetpbmImage } from './image.js';
export { parseNetpbm, formatNetpbm } from './netpbm.js';
export { NetpbmErrorCodes } from './errors.js';
