import type { FitsCard, FitsCardValue, FitsHeader } from './types.js';
import { fitsError, FitsErrorCodes } from './errors.js';

/** 80-character cards, 36 to a 2880-byte block. */
export const CARD = 80;
export const BLOCK = 2880;
export const COMMENTARY = new Set(['COMMENT', 'HISTORY', '']);

/** One card as it stands in the file (before CONTINUE cards are merged). */
export interface RawCard {
  key: string;
  hasValue: boolean;
  /** The text after `= ` (value cards), or after the keyword (others). */
  rest: string;
  /** The full 80-character card. */
  image: string;
}

/** Splits header text (a multiple of 80 characters) into cards up to, not including, END. */
export function splitCards(text: string): { cards: RawCard[]; ended: boolean } {
  const cards: RawCard[] = [];
  for (let offset = 0; offset + CARD <= text.length; offset += CARD) {
    const image = text.slice(offset, offset + CARD);
    const key8 = image.slice(0, 8).trimEnd();
    if (key8 === 'END' && image.slice(8).trim() === '') return { cards, ended: true };
    if (key8 === 'HIERARCH') {
      const eq = image.indexOf('=', 9);
      if (eq > 0) {
        cards.push({ key: image.slice(9, eq).trim(), hasValue: true, rest: image.slice(eq + 1), image });
        continue;
      }
    }
    const hasValue = image.slice(8, 10) === '= ' && !COMMENTARY.has(key8);
    cards.push({ key: key8, hasValue, rest: image.slice(hasValue ? 10 : 8), image });
  }
  return { cards, ended: false };
}

interface ParsedValue {
  value: FitsCardValue;
  comment: string | undefined;
  float: boolean;
}

/** Parses what follows `= `: a string, logical, integer, float, complex or nothing, then `/ comment`. */
export function parseValue(rest: string): ParsedValue {
  const s = rest;
  let i = 0;
  while (i < s.length && s[i] === ' ') i++;
  if (s[i] === "'") {
    let out = '';
    let j = i + 1;
    for (; j < s.length; j++) {
      if (s[j] === "'") {
        if (s[j + 1] === "'") {
          out += "'";
          j++;
          continue;
        }
        break;
      }
      out += s[j];
    }
    return { value: out.replace(/ +$/, ''), comment: commentOf(s.slice(j + 1)), float: false };
  }
  const slash = s.indexOf('/', i);
  const token = (slash >= 0 ? s.slice(i, slash) : s.slice(i)).trim();
  const comment = slash >= 0 ? commentOf(s.slice(slash)) : undefined;
  return { ...parseToken(token), comment };
}

function commentOf(after: string): string | undefined {
  const slash = after.indexOf('/');
  if (slash < 0) return undefined;
  const text = after.slice(slash + 1).trim();
  return text === '' ? undefined : text;
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?$/;

function parseNumber(token: string): { value: number | bigint; float: boolean } | undefined {
  if (INT.test(token)) {
    const n = Number(token);
    return { value: Number.isSafeInteger(n) ? n : BigInt(token), float: false };
  }
  if (FLOAT.test(token)) {
    const n = Number(token.replace(/[Dd]/, 'E'));
    return { value: n, float: Number.isInteger(n) };
  }
  return undefined;
}

function parseToken(token: string): { value: FitsCardValue; float: boolean } {
  if (token === '') return { value: null, float: false };
  if (token === 'T') return { value: true, float: false };
  if (token === 'F') return { value: false, float: false };
  const num = parseNumber(token);
  if (num) return num;
  const complex = /^\(\s*([^,]+?)\s*,\s*([^)]+?)\s*\)$/.exec(token);
  if (complex) {
    const re = parseNumber(complex[1]!);
    const im = parseNumber(complex[2]!);
    if (re && im) return { value: { re: Number(re.value), im: Number(im.value) }, float: false };
  }
  // Not a FITS value: keep the text rather than refuse the whole file.
  return { value: token, float: false };
}

/** Turns raw cards into logical cards: values parsed, CONTINUE long strings merged. */
export function parseHeaderCards(raw: RawCard[]): FitsHeader {
  const out: FitsHeader = [];
  for (let k = 0; k < raw.length; k++) {
    const card = raw[k]!;
    if (!card.hasValue) {
      if (card.key === 'CONTINUE') {
        // A CONTINUE card without a long string before it: keep its text as commentary.
        out.push({ key: 'CONTINUE', value: card.rest.trim() });
        continue;
      }
      out.push({ key: card.key, value: card.rest.replace(/ +$/, '') });
      continue;
    }
    const parsed = parseValue(card.rest);
    const result: FitsCard = { key: card.key, value: parsed.value };
    if (typeof parsed.value === 'string' && raw[k + 1]?.key === 'CONTINUE' && !raw[k + 1]!.hasValue) {
      // Long string (like astropy: every following CONTINUE card belongs to it, '&' dropped from each piece).
      const comments = parsed.comment ? [parsed.comment] : [];
      const pieces = [parsed.value];
      while (raw[k + 1]?.key === 'CONTINUE' && !raw[k + 1]!.hasValue) {
        const next = parseValue(raw[++k]!.rest);
        pieces.push(typeof next.value === 'string' ? next.value : '');
        if (next.comment) comments.push(next.comment);
      }
      result.value = pieces.map((piece) => (piece.endsWith('&') ? piece.slice(0, -1) : piece)).join('');
      if (comments.length) result.comment = comments.join(' ');
    } else if (parsed.comment !== undefined) {
      result.comment = parsed.comment;
    }
    if (parsed.float) result.float = true;
    out.push(result);
  }
  return out;
}

function headerError(where: string, message: string) {
  return fitsError(FitsErrorCodes.HEADER_INVALID, `${where}: ${message}`, {
    hint: 'FITS headers hold printable ASCII in 80-character cards; see the @aeroml/handler-fits README, section Headers.',
  });
}

const STANDARD_KEY = /^[A-Z0-9_-]{1,8}$/;

/** The text of a float value: shortest exact form, always with a `.` or an exponent. */
export function formatFloat(value: number, where: string, key: string): string {
  if (!Number.isFinite(value)) throw headerError(where, `card ${key}: ${value} cannot be stored in a FITS header (only finite numbers can).`);
  if (Object.is(value, -0)) return '-0.0';
  let text = String(value).replace('e', 'E');
  if (!text.includes('.') && !text.includes('E')) text += '.0';
  return text;
}

function isPrintable(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/** The value field of a card (without comment). Strings are left-justified, others right-justified to column 30. */
function formatValue(card: FitsCard, where: string): string {
  const { key, value } = card;
  if (value === null || value === undefined) return ' '.repeat(20);
  if (typeof value === 'boolean') return (value ? 'T' : 'F').padStart(20);
  if (typeof value === 'bigint') return value.toString().padStart(20);
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && !card.float && !Object.is(value, -0)) return String(value).padStart(20);
    return formatFloat(value, where, key).padStart(20);
  }
  if (typeof value === 'string') {
    const escaped = value.replace(/'/g, "''");
    return (escaped === '' ? "''" : `'${escaped.padEnd(8)}'`).padEnd(20);
  }
  if (typeof value === 'object' && typeof value.re === 'number' && typeof value.im === 'number') {
    return `(${formatFloat(value.re, where, key)}, ${formatFloat(value.im, where, key)})`.padStart(20);
  }
  throw headerError(where, `card ${key}: a ${describe(value)} cannot be a header value (use a string, number, bigint, boolean, null or { re, im }).`);
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value;
}

/** Splits an escaped string into pieces of at most `size` characters without cutting a `''` pair. */
function splitEscaped(value: string, size: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const ch of value) {
    const unit = ch === "'" ? "''" : ch;
    if (current.length + unit.length > size) {
      pieces.push(current);
      current = '';
    }
    current += unit;
  }
  pieces.push(current);
  return pieces;
}

/**
 * Formats one logical card as one or more 80-character card images: long strings use
 * CONTINUE cards (as astropy writes them), long commentary text several cards.
 */
export function formatCard(card: FitsCard, where: string): string[] {
  if (typeof card !== 'object' || card === null || typeof card.key !== 'string') {
    throw headerError(where, `every header card must be an object { key, value, comment? }, got ${JSON.stringify(card)}.`);
  }
  const key = card.key.toUpperCase().replace(/^HIERARCH +/, '');
  if (!isPrintable(key) || key.includes('=')) throw headerError(where, `card key ${JSON.stringify(card.key)} must be printable ASCII without '='.`);
  if (card.comment !== undefined && (typeof card.comment !== 'string' || !isPrintable(card.comment))) {
    throw headerError(where, `card ${key}: the comment must be printable ASCII text, got ${JSON.stringify(card.comment)}.`);
  }
  if (COMMENTARY.has(key)) {
    const text = card.value === null || card.value === undefined ? '' : card.value;
    if (typeof text !== 'string' || !isPrintable(text)) throw headerError(where, `card ${key || '(blank)'}: commentary text must be a printable ASCII string, got ${JSON.stringify(String(text))}.`);
    const lines: string[] = [];
    for (let i = 0; i === 0 || i < text.length; i += 72) lines.push(`${key.padEnd(8)}${text.slice(i, i + 72)}`.padEnd(CARD));
    return lines;
  }
  if (typeof card.value === 'string' && !isPrintable(card.value)) {
    throw headerError(where, `card ${key}: string values must be printable ASCII, got ${JSON.stringify(card.value)}.`);
  }
  const comment = card.comment ? ` / ${card.comment}` : '';
  if (!STANDARD_KEY.test(key)) {
    // HIERARCH convention for long or spaced keywords.
    const image = `HIERARCH ${key} = ${formatValue(card, where).trim()}${comment}`;
    if (image.length > CARD) throw headerError(where, `HIERARCH card ${key} needs ${image.length} characters but a card holds 80; shorten the keyword, value or comment.`);
    return [image.padEnd(CARD)];
  }
  const value = formatValue(card, where);
  const image = `${key.padEnd(8)}= ${value}${comment}`;
  if (image.trimEnd().length <= CARD) return [image.slice(0, CARD).padEnd(CARD)];
  if (typeof card.value !== 'string') {
    throw headerError(where, `card ${key} needs ${image.trimEnd().length} characters but a card holds 80; shorten its comment.`);
  }
  // Long string: value pieces of 67 characters ending in '&', then the comment on CONTINUE cards.
  const lines: string[] = [];
  const pieces = splitEscaped(card.value, 67);
  pieces.forEach((piece, i) => {
    const head = i === 0 ? `${key.padEnd(8)}= ` : 'CONTINUE  ';
    const last = i === pieces.length - 1 && !card.comment;
    lines.push(`${head}'${piece}${last ? '' : '&'}'`.padEnd(CARD));
  });
  if (card.comment) {
    const parts = splitWords(card.comment, 64);
    parts.forEach((part, i) => lines.push(`CONTINUE  '${i === parts.length - 1 ? '' : '&'}' / ${part}`.padEnd(CARD)));
  }
  return lines;
}

/** Splits text into parts of at most `size` characters at spaces (readers join parts with one space). */
function splitWords(text: string, size: number): string[] {
  const parts: string[] = [];
  let p = 0;
  while (text.length - p > size) {
    const cut = text.lastIndexOf(' ', p + size);
    if (cut > p) {
      parts.push(text.slice(p, cut));
      p = cut + 1;
    } else {
      parts.push(text.slice(p, p + size));
      p += size;
    }
  }
  parts.push(text.slice(p));
  return parts;
}

/** Card images + END, padded with spaces to whole 2880-byte blocks. */
export function headerBytes(images: string[]): Uint8Array {
  const text = [...images, 'END'.padEnd(CARD)].join('');
  const size = Math.ceil(text.length / BLOCK) * BLOCK;
  const out = new Uint8Array(size).fill(0x20);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Looks up the first card with this key. */
export function getCard(header: FitsHeader, key: string): FitsCard | undefined {
  const upper = key.toUpperCase();
  return header.find((card) => card.key.toUpperCase() === upper);
}

/** The value of the first card with this key (undefined when absent). */
export function getValue(header: FitsHeader, key: string): FitsCardValue | undefined {
  return getCard(header, key)?.value;
}
