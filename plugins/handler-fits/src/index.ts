export { fitsHandler, type FitsHandler } from './handler.js';
export { fitsOptionsSchema, fitsReadOptionsSchema, fitsWriteOptionsSchema, type FitsOptions, type FitsReadOptions, type FitsWriteOptions } from './options.js';
export type {
  Bitpix,
  FitsCard,
  FitsCardValue,
  FitsColumn,
  FitsColumnData,
  FitsColumnType,
  FitsComplex,
  FitsFile,
  FitsHDU,
  FitsHeader,
  FitsImage,
  FitsImageData,
  FitsTable,
  FitsValue,
} from './types.js';
export { isFitsFile, isFitsImage, isFitsTable } from './types.js';
export { getCard, getValue } from './header.js';
export { emptyPrimary, fitsImage, writeFits, type FitsWriteSettings } from './writer.js';
export { readFits, listHdus, type FitsReadSettings, type HduSelector } from './reader.js';
export { encodeChecksum } from './checksum.js';
export { FitsErrorCodes } from './errors.js';
