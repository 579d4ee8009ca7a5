import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { configCacheDir } from '../config-jiti.js';
import { writeFileAtomic } from '../util/fs.js';
import { ANALYSIS_SCHEMA, type ModuleAnalysis } from './analysis.js';
import { parserVersion } from './parser.js';

/**
 * Module analyses on disk, one JSON file per source content hash and language (the extension): a rerun with no edits
 * reads them and never loads the parser. Kept beside the config transform cache
 * (`node_modules/.cache/`, see config-jiti.ts), which is already there and already
 * disposable. The analysis schema and the parser version are in the directory name, so
 * an upgrade of either never reads entries the other one wrote.
 */
export class AnalysisCache {
  private readonly dir: string;

  constructor(cwd: string) {
    this.dir = join(dirname(configCacheDir(join(cwd, 'aero.config.ts'))), `aero-code-${ANALYSIS_SCHEMA}-oxc-${parserVersion()}`);
  }

  async get(sha256: string, extension: string): Promise<ModuleAnalysis | undefined> {
    try {
      const analysis = JSON.parse(await readFile(this.path(sha256, extension), 'utf8')) as ModuleAnalysis;
      return analysis.schema === ANALYSIS_SCHEMA ? analysis : undefined;
    } catch {
      return undefined; // absent or unreadable: analyse again and overwrite
    }
  }

  /** Best effort: a read-only or full disk costs the next run a parse, never the run. */
  async put(sha256: string, extension: string, analysis: ModuleAnalysis): Promise<void> {
    await writeFileAtomic(this.path(sha256, extension), JSON.stringify(analysis)).catch(() => undefined);
  }

  private path(sha256: string, extension: string): string {
    return join(this.dir, `${sha256}${extension.replace(/[^.a-z0-9]/gi, '')}.json`);
  }
}
