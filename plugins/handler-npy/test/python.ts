import { pythonReference } from '@aeroml/test-utils';

/** Runs test/py/npy_ref.py with Debian's numpy (tools/pyref/start.sh) and parses its JSON output. */
export const npyRef = pythonReference(new URL('./py/npy_ref.py', import.meta.url), 'numpy');

export interface RefArray {
  dtype: string;
  shape: number[];
  fortranOrder: boolean;
  byteOrder: 'little' | 'big';
  /** Elements in memory order, little endian, base64. */
  bytes: string;
  values?: Array<string | boolean | [string, string]>;
}
