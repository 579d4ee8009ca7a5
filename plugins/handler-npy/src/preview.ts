import { arrayPreview, type AssetPreview } from '@aeroml/core';
import { DTYPES } from './ndarray.js';
import { readNpy } from './npy.js';

/**
 * `aero ui` preview of a .npy file: shape, dtype, stats and a thumbnail of 2-D data.
 * Complex and float16 arrays get shape and dtype only.
 */
export async function previewNpy(path: string): Promise<AssetPreview> {
  const array = await readNpy(path);
  const info = DTYPES[array.dtype];
  // float16 is held as raw 16-bit patterns, complex as two lanes: no stats for those.
  if (info.lanes !== 1 || array.dtype === 'float16') {
    return { summary: { dtype: array.dtype, shape: [...array.shape], fortranOrder: array.fortranOrder } };
  }
  return arrayPreview(array.dtype, array.shape, array.data as ArrayLike<number | bigint>, { fortranOrder: array.fortranOrder, extra: { fortranOrder: array.fortranOrder } });
}
