import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

/**
 * Reads one file out of a .tgz made by `npm pack` (ustar entries, `package/` prefix).
 * Only what create-aeroml needs — `package/package.json` — so no tar dependency.
 * Returns null when the archive has no such entry.
 */
export async function readTarEntry(tgzPath: string, entryName: string): Promise<Buffer | null> {
  const tar = gunzipSync(await readFile(tgzPath));
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, ''); // GNU long name for the next entry
    else if ((type === '0' || type === '') && name === entryName) return Buffer.from(body);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return null;
}
