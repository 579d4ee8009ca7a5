import type { NetpbmImage } from './image.js';
import { netpbmError, NetpbmErrorCodes } from './errors.js';

/** Magic numbers: P2/P5 grayscale (plain/binary), P3/P6 RGB. */
const FORMATS: Record<string, { channels: 1 | 3; plain: boolean }> = {
  P2: { channels: 1, plain: true },
  P3: { channels: 3, plain: true },
  P5: { channels: 1, plain: false },
  P6: { channels: 3, plain: false },
};

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;

function invalid(where: string, problem: string) {
  return netpbmError(NetpbmErrorCodes.INVALID, `${where} is not a valid Netpbm image: ${problem}.`, 'The file is damaged or was not written by a Netpbm tool; write it again (e.g. with `pnmtopnm` or this handler).');
}

/** Decodes a PGM/PPM file (the first image if several are concatenated). */
export function parseNetpbm(bytes: Uint8Array, where: string): NetpbmImage {
  const magic = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  const format = FORMATS[magic];
  if (!format) {
    const first = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw netpbmError(
      NetpbmErrorCodes.NOT_NETPBM,
      `${where} is not a PGM/PPM image: it does not start with P2, P3, P5 or P6 (first bytes: ${first || 'none, the file is empty'}).`,
      'Use the handler that matches the file (PBM bitmaps P1/P4 and PAM P7 are not supported).',
    );
  }
  let pos = 2;
  /** Next header integer, skipping whitespace and # comments. */
  const headerInt = (name: string): number => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos]!)) pos++;
      if (bytes[pos] !== 0x23) break;
      while (pos < bytes.length && bytes[pos] !== 0x0a && bytes[pos] !== 0x0d) pos++;
    }
    const start = pos;
    while (pos < bytes.length && bytes[pos]! >= 0x30 && bytes[pos]! <= 0x39) pos++;
    if (pos === start) {
      if (pos >= bytes.length) throw truncated(where, `it ends before the ${name}`);
      throw invalid(where, `the ${name} is not a decimal number (found ${JSON.stringify(String.fromCharCode(bytes[pos]!))})`);
    }
    return Number(String.fromCharCode(...bytes.subarray(start, pos)));
  };
  const width = headerInt('width');
  const height = headerInt('height');
  const maxval = headerInt('maxval');
  if (width < 1 || height < 1) throw invalid(where, `the size ${width}x${height} is empty`);
  if (maxval < 1 || maxval > 65535) throw invalid(where, `maxval ${maxval} is outside 1-65535`);
  const channels = format.channels;
  const count = width * height * channels;
  const data = maxval < 256 ? new Uint8Array(count) : new Uint16Array(count);
  if (format.plain) {
    for (let i = 0; i < count; i++) {
      const v = headerInt(`sample ${i}`);
      if (v > maxval) throw invalid(where, `sample ${i} is ${v}, above maxval ${maxval}`);
      data[i] = v;
    }
    return { width, height, channels, maxval, data };
  }
  if (!isSpace(bytes[pos] ?? 0)) throw invalid(where, 'maxval must be followed by one whitespace character before the raster');
  pos += 1;
  const bytesPerSample = maxval < 256 ? 1 : 2;
  if (bytes.length - pos < count * bytesPerSample) throw truncated(where, `the raster needs ${count * bytesPerSample} bytes but ${bytes.length - pos} follow`);
  for (let i = 0; i < count; i++) {
    const v = bytesPerSample === 1 ? bytes[pos + i]! : (bytes[pos + 2 * i]! << 8) | bytes[pos + 2 * i + 1]!;
    if (v > maxval) throw invalid(where, `sample ${i} is ${v}, above maxval ${maxval}`);
    data[i] = v;
  }
  return { width, height, channels, maxval, data };
}

function truncated(where: string, problem: string) {
  return netpbmError(NetpbmErrorCodes.TRUNCATED, `${where} is truncated: ${problem}.`, 'The file was cut short; produce it again.');
}

/** Checks a value before writing; every problem is listed. */
export function checkImage(value: unknown, where: string, extension: string): NetpbmImage {
  const problems: string[] = [];
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<NetpbmImage>;
  if (typeof value !== 'object' || value === null) problems.push(`expected an image { width, height, channels, maxval, data }, got ${value === null ? 'null' : typeof value}`);
  else {
    if (!Number.isSafeInteger(v.width) || v.width! < 1) problems.push(`\`width\`: expected a positive integer, got ${JSON.stringify(v.width)}`);
    if (!Number.isSafeInteger(v.height) || v.height! < 1) problems.push(`\`height\`: expected a positive integer, got ${JSON.stringify(v.height)}`);
    if (v.channels !== 1 && v.channels !== 3) problems.push(`\`channels\`: expected 1 (gray) or 3 (RGB), got ${JSON.stringify(v.channels)}`);
    if (!Number.isSafeInteger(v.maxval) || v.maxval! < 1 || v.maxval! > 65535) problems.push(`\`maxval\`: expected an integer from 1 to 65535, got ${JSON.stringify(v.maxval)}`);
    else {
      const wide = v.maxval! >= 256;
      if (!(wide ? v.data instanceof Uint16Array : v.data instanceof Uint8Array)) {
        problems.push(`\`data\`: maxval ${v.maxval} needs a ${wide ? 'Uint16Array' : 'Uint8Array'}, got ${(v.data as object | undefined)?.constructor?.name ?? typeof v.data}`);
      } else if (problems.length === 0) {
        const data = v.data as Uint8Array | Uint16Array;
        const expected = v.width! * v.height! * v.channels!;
        if (data.length !== expected) problems.push(`\`data\`: ${v.width}x${v.height}x${v.channels} needs ${expected} samples, got ${data.length}`);
        else {
          const over = data.findIndex((s) => s > v.maxval!);
          if (over >= 0) problems.push(`\`data\`: sample ${over} is ${data[over]}, above maxval ${v.maxval}`);
        }
      }
    }
    if (extension === 'pgm' && v.channels === 3) problems.push('a .pgm file holds grayscale images (channels: 1); write RGB images to .ppm or .pnm');
    if (extension === 'ppm' && v.channels === 1) problems.push('a .ppm file holds RGB images (channels: 3); write grayscale images to .pgm or .pnm');
  }
  if (problems.length) {
    throw netpbmError(NetpbmErrorCodes.VALUE_INVALID, `Cannot write ${where}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 'Build images with netpbmImage(width, height, { channels, maxval, data }).');
  }
  return value as NetpbmImage;
}

/** Encodes an image: P5/P6 (binary, 16-bit samples big endian) or P2/P3 (plain, lines of at most 70 characters). */
export function formatNetpbm(image: NetpbmImage, options: { plain: boolean; comment?: string | undefined }): Uint8Array {
  const magic = image.channels === 1 ? (options.plain ? 'P2' : 'P5') : options.plain ? 'P3' : 'P6';
  const header = `${magic}\n${options.comment !== undefined ? `# ${options.comment}\n` : ''}${image.width} ${image.height}\n${image.maxval}\n`;
  const head = new TextEncoder().encode(header);
  if (options.plain) {
    const lines: string[] = [];
    let line = '';
    for (const sample of image.data) {
      const text = String(sample);
      if (line.length + text.length + 1 > 70) {
        lines.push(line);
        line = '';
      }
      line = line ? `${line} ${text}` : text;
    }
    lines.push(line);
    const body = new TextEncoder().encode(`${lines.join('\n')}\n`);
    const out = new Uint8Array(head.length + body.length);
    out.set(head);
    out.set(body, head.length);
    return out;
  }
  const wide = image.maxval >= 256;
  const out = new Uint8Array(head.length + image.data.length * (wide ? 2 : 1));
  out.set(head);
  if (!wide) out.set(image.data, head.length);
  else {
    const view = new DataView(out.buffer, head.length);
    image.data.forEach((s, i) => view.setUint16(2 * i, s, false));
  }
  return out;
}
