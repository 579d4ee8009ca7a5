import { readFile } from 'node:fs/promises';
import { defineHandler, writeFileAtomic, type AssetHandler, type HandlerMembers } from '@aeroml/core';
import { z } from 'zod';
import { identity, pluginError } from './errors.js';

/** Options of `linesHandler()`, validated when the config is loaded. */
export const linesOptionsSchema = z
  .object({
    /** Line ending written after every line; reading accepts both. */
    eol: z.enum(['lf', 'crlf']).default('lf'),
  })
  .strict();
export type LinesOptions = z.input<typeof linesOptionsSchema>;

export const LinesErrorCodes = {
  READ_FAILED: 'LINES_READ_FAILED',
  NOT_TEXT: 'LINES_NOT_TEXT',
  VALUE_INVALID: 'LINES_VALUE_INVALID',
  WRITE_FAILED: 'LINES_WRITE_FAILED',
} as const;

/**
 * The `lines` handler: a `string[]` as a text file, one line each.
 * `plugins: [linesHandler()]`, then outputs like `{ handler: 'lines', path: 'words.lines' }`.
 */
export const linesHandler: (options?: LinesOptions) => AssetHandler<string[]> = defineHandler({ ...identity, name: 'lines', factory: 'linesHandler', options: linesOptionsSchema, setup: createLinesHandler });

function createLinesHandler(settings: z.output<typeof linesOptionsSchema>): HandlerMembers {
  const eol = settings.eol === 'crlf' ? '\r\n' : '\n';
  return {
    extensions: ['lines'],

    async read(path) {
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        throw pluginError(LinesErrorCodes.READ_FAILED, `Could not read ${path}: ${missing ? 'the file does not exist' : (error as Error).message}.`, missing ? 'Check the path.' : 'Check the file permissions.', error);
      }
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      if (text.includes('\0') || text.includes('\uFFFD')) throw pluginError(LinesErrorCodes.NOT_TEXT, `${path} is not UTF-8 text (it holds a NUL byte or invalid UTF-8).`, 'Use the handler that matches the file.');
      if (text === '') return [];
      return text.replace(/\r?\n$/, '').split(/\r?\n/);
    },

    async write(path, value) {
      // Check before touching the disk, then write atomically (core's writeFileAtomic: a temp
      // file renamed into place): readers never see half a file, a failed write leaves nothing.
      if (!Array.isArray(value)) throw pluginError(LinesErrorCodes.VALUE_INVALID, `Cannot write ${path}: expected an array of strings, got ${value === null ? 'null' : typeof value}.`, 'Write a string[].');
      const bad = value.findIndex((line) => typeof line !== 'string' || /[\r\n\0]/.test(line));
      if (bad >= 0) throw pluginError(LinesErrorCodes.VALUE_INVALID, `Cannot write ${path}: line ${bad} ${typeof value[bad] === 'string' ? 'holds a line break or NUL byte' : `is a ${typeof value[bad]}, not a string`}.`, 'Split multi-line text into several lines.');
      try {
        await writeFileAtomic(path, value.map((line) => line + eol).join(''));
      } catch (error) {
        throw pluginError(LinesErrorCodes.WRITE_FAILED, `Could not write ${path}: ${(error as Error).message}.`, 'Check that the folder is writable and the disk is not full.', error);
      }
    },

    describe(value) {
      return { lines: value.length };
    },
  };
}
