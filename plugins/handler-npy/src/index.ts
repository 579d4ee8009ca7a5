export { npyHandlers, type NpyHandler, type NpzHandler } from './handlers.js';
export { npyOptionsSchema, npyWriteOptionsSchema, type NpyOptions, type NpyWriteOptions } from './options.js';
export {
  ndarray,
  elementCount,
  float16ToNumber,
  numberToFloat16,
  float16ToFloat32Array,
  DTYPE_NAMES,
  type NDArray,
  type DType,
  type DTypeArrays,
  type AnyTypedArray,
} from './ndarray.js';
export { readNpy, writeNpy, inspectNpy, type NpyWriteSettings } from './npy.js';
export { readNpz, writeNpz, listNpz, type NpzArrays, type NpzReadOptions, type NpzWriteSettings } from './npz.js';
export type { NpyHeader, NpyVersion, ByteOrder } from './header.js';
export { NpyErrorCodes } from './errors.js';
