import { pythonReference } from '@aeroml/test-utils';

/** Runs test/py/fits_ref.py with Debian's astropy (tools/pyref/start.sh) and parses its JSON output. */
export const fitsRef = pythonReference(new URL('./py/fits_ref.py', import.meta.url), 'astropy');

export type RefValue = { t: 'null' } | { t: 'bool'; v: boolean } | { t: 'int'; v: string } | { t: 'float'; v: number } | { t: 'complex'; v: [number, number] } | { t: 'str'; v: string };
export interface RefCard {
  key: string;
  value: RefValue;
  comment: string;
}
export interface RefArray {
  dtype: string;
  shape: number[];
  bytes: string;
}
export interface RefColumn extends Partial<RefArray> {
  name: string;
  format: string;
  unit: string;
  dtype: string;
  shape: number[];
  strings?: string[];
}
export interface RefHdu {
  kind: string;
  name: string;
  ver: number;
  cards: RefCard[];
  data?: RefArray | null;
  bitpix?: number;
  rows?: number;
  columns?: RefColumn[];
}
export interface RefFile {
  file: string;
  ok?: boolean;
  error?: string;
  hdus: RefHdu[];
}
