import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { basename, resolve } from 'node:path';
import { checkName, checkPluginKind, checkTemplate, defaultDir, defaultName, DEFAULTS, type RawChoices } from './choices.js';
import { CreateError, CreateErrorCodes, isCreateError } from './errors.js';
import { PLUGIN_KIND_DESCRIPTIONS, PLUGIN_KINDS, TEMPLATES, type PluginKind, type TemplateId } from './templates.js';

export interface PromptStreams {
  input: Readable;
  output: Writable;
}

/**
 * Asks, on a terminal, for every choice not given as a flag. An empty answer takes the
 * default shown in brackets; a wrong answer is explained and asked again.
 */
export async function promptChoices(raw: RawChoices, options: { askDir: boolean; cwd: string; streams?: PromptStreams }): Promise<RawChoices> {
  const { input, output } = options.streams ?? { input: process.stdin, output: process.stdout };
  const rl = createInterface({ input, output, terminal: Boolean((input as { isTTY?: boolean }).isTTY) });
  const ask = async <T>(question: string, fallback: string, check: (answer: string) => T): Promise<T> => {
    for (;;) {
      const answer = (await rl.question(`${question} [${fallback}] `)).trim() || fallback;
      try {
        return check(answer);
      } catch (error) {
        if (!isCreateError(error)) throw error;
        output.write(`  ${error.message}\n`);
      }
    }
  };
  try {
    const out: RawChoices = { ...raw };
    const byNumber = <T extends string>(list: readonly T[], answer: string) => (/^\d+$/.test(answer) ? (list[Number(answer) - 1] ?? answer) : answer);
    if (out.template === undefined && out.pluginKind === undefined) {
      output.write(`Templates:\n${TEMPLATES.map((t, i) => `  ${i + 1}. ${t.id.padEnd(7)} ${t.description}`).join('\n')}\n`);
      out.template = await ask<TemplateId>('Template?', DEFAULTS.template, (a) => checkTemplate(byNumber(TEMPLATES.map((t) => t.id), a)));
    }
    const template = out.template ?? 'plugin';
    if (template === 'plugin' && out.pluginKind === undefined) {
      output.write(`Plugin kinds:\n${PLUGIN_KINDS.map((k, i) => `  ${i + 1}. ${k.padEnd(9)} ${PLUGIN_KIND_DESCRIPTIONS[k]}`).join('\n')}\n`);
      out.pluginKind = await ask<PluginKind>('Plugin kind?', DEFAULTS.pluginKind, (a) => checkPluginKind(byNumber(PLUGIN_KINDS, a)));
    }
    if (options.askDir && out.dir === undefined) {
      out.dir = await ask('Folder?', defaultDir(template as TemplateId, out.pluginKind as PluginKind | undefined), (a) => a);
    }
    if (out.name === undefined) {
      const folder = out.dir === undefined ? options.cwd : resolve(options.cwd, out.dir);
      out.name = await ask('Package name?', defaultName(basename(folder)), checkName);
    }
    if (out.install === undefined) {
      out.install = await ask('Run npm install now?', 'Y/n', (a) => {
        if (/^(y|yes|Y\/n)$/i.test(a)) return true;
        if (/^(n|no)$/i.test(a)) return false;
        throw new CreateError(CreateErrorCodes.INVALID_ARGUMENTS, 'Answer y or n.');
      });
    }
    return out;
  } finally {
    rl.close();
  }
}
