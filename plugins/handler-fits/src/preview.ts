import { arrayPreview, type AssetPreview } from '@aeroml/core';
import { readFits } from './reader.js';
import { isFitsFile, isFitsTable, type FitsHDU } from './types.js';

/**
 * `aero ui` preview of a FITS file: its HDUs (type, name, shape or rows and columns) and,
 * for the first image HDU with data, shape, BITPIX, stats and a thumbnail of its first plane.
 */
export async function previewFits(path: string): Promise<AssetPreview> {
  const value = await readFits(path, { all: true });
  const hdus: FitsHDU[] = isFitsFile(value) ? value.hdus : [value];
  const listing = hdus.map((h, i) => {
    const name = h.header?.find((c) => c.key === 'EXTNAME')?.value;
    const label = typeof name === 'string' ? `${i} ${name}` : String(i);
    return isFitsTable(h) ? `${label}: table ${h.rows} rows × ${h.columns.length} columns` : `${label}: image [${h.shape.join(', ')}]`;
  });
  const image = hdus.find((h): h is Exclude<FitsHDU, { columns: unknown }> => !isFitsTable(h) && h.shape.length > 0);
  if (!image) return { summary: { hdus: listing } };
  return arrayPreview(image.data.constructor.name.replace(/Array$/, '').toLowerCase(), image.shape, image.data, { extra: { bitpix: image.bitpix, hdus: listing } });
}
