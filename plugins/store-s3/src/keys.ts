import { AeroError } from '@aeroml/core';
import { PLUGIN } from './meta.js';
import { S3ErrorCodes } from './errors.js';

const BLOB_KEY = /^objects\/sha256\/[0-9a-f]{2}\/([0-9a-f]{64})$/;

/** The sha256 a content-addressed key names (`objects/sha256/ab/<hex>`), else undefined. */
export function digestOfKey(key: string): string | undefined {
  const m = BLOB_KEY.exec(key);
  return m && m[1]!.startsWith(key.slice(15, 17)) ? m[1] : undefined;
}

/** Store keys are relative `/`-separated paths. */
export function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '' || key.startsWith('/') || key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new AeroError(S3ErrorCodes.S3_INVALID_KEY, `Invalid store key ${JSON.stringify(key)}: keys are relative \`/\`-separated paths without empty, \`.\` or \`..\` segments.`, {
      plugin: PLUGIN,
      hint: 'This is a bug in the caller of the store; keys look like `objects/sha256/ab/<hex>` or `runs/<id>/run.json`.',
    });
  }
}

/** Object metadata names (sent as x-amz-meta-*). */
export const META_SHA256 = 'aero-sha256';
export const META_WRITER = 'aero-writer';
