import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ConfigYamlErrorCodes, yamlError } from './errors.js';
import { leavesFolder } from './names.js';

/** One YAML config file as composition sees it. */
export interface ConfigFile {
  /** Path relative to the project root, with `/` separators (`conf/model/small.yaml`). */
  rel: string;
  /** Path inside the config dir without extension (`model/small`). */
  name: string;
  text: string;
  /** The file's mapping without its `defaults` key. */
  content: Record<string, unknown>;
  /** The raw `defaults` list, if any. */
  defaults: unknown;
  /** `# @package X` header, if any. */
  headerPackage: string | undefined;
}

export type YamlParse = (text: string, rel: string) => unknown;

/** Parsed files kept by one loader between loads (a sweep loads the same files once per run). */
export type ParseCache = Map<string, { mtimeMs: number; size: number; rel: string; text: string; parsed: unknown }>;

const HEADER_RE = /^#\s*@package\s+(\S+)\s*$/;

function headerPackage(text: string): string | undefined {
  // Only the leading comment block counts, like Hydra's header.
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    if (!line.startsWith('#')) return undefined;
    const match = HEADER_RE.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads config files once per load; remembers which ones composition used, in order. */
export class ConfigRepository {
  private readonly files = new Map<string, ConfigFile | null>();
  private readonly dirs = new Map<string, boolean>();
  readonly used: ConfigFile[] = [];
  private readonly usedSet = new Set<string>();

  constructor(
    readonly cwd: string,
    readonly confDir: string,
    private readonly parse: YamlParse,
    private readonly cache: ParseCache = new Map(),
  ) {}

  relative(abs: string): string {
    return relative(this.cwd, abs).split(sep).join('/');
  }

  /**
   * Loads `name` (`model/small`) as `.yaml`, else `.yml` (or only `exts`); undefined when
   * neither exists. A name that would leave the config folder is never read: callers
   * refuse it with a message first, this guard keeps any other caller inside too.
   */
  find(name: string, exts: readonly string[] = ['.yaml', '.yml']): ConfigFile | undefined {
    if (leavesFolder(name)) return undefined;
    const key = `${name}\0${exts.join()}`;
    const cached = this.files.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let file: ConfigFile | null = null;
    for (const ext of exts) {
      const abs = join(this.confDir, name + ext);
      let stats: Stats;
      try {
        stats = statSync(abs);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') continue;
        throw error;
      }
      if (!stats.isFile()) continue;
      const cacheKey = `${this.cwd}\0${abs}`;
      let entry = this.cache.get(cacheKey);
      if (!entry || entry.mtimeMs !== stats.mtimeMs || entry.size !== stats.size) {
        const rel = entry?.rel ?? this.relative(abs);
        const text = readFileSync(abs, 'utf8');
        entry = { mtimeMs: stats.mtimeMs, size: stats.size, rel, text, parsed: this.parse(text, rel) };
        this.cache.set(cacheKey, entry);
      }
      const { rel, text, parsed } = entry;
      if (parsed !== null && parsed !== undefined && !isMapping(parsed)) {
        throw yamlError(ConfigYamlErrorCodes.NOT_A_MAPPING, `${rel} must hold a mapping (key: value lines) at the top level, but it holds ${Array.isArray(parsed) ? 'a list' : `a ${typeof parsed}`}.`, {
          hint: 'A config file is a YAML mapping, e.g. `lr: 0.01`, optionally with a `defaults:` list.',
          details: { file: rel },
        });
      }
      const { defaults, ...content } = (parsed ?? {}) as Record<string, unknown>;
      file = { rel, name, text, content, defaults, headerPackage: headerPackage(text) };
      break;
    }
    this.files.set(key, file);
    return file ?? undefined;
  }

  /** Forgets which files were used (composition may walk the defaults more than once). */
  resetUsed(): void {
    this.used.length = 0;
    this.usedSet.clear();
  }

  markUsed(file: ConfigFile): void {
    if (this.usedSet.has(file.rel)) return;
    this.usedSet.add(file.rel);
    this.used.push(file);
  }

  /** True when `group` (`model`, `trainer/callbacks`) is a directory in the config dir. */
  isGroup(group: string): boolean {
    let known = this.dirs.get(group);
    if (known === undefined) {
      try {
        known = statSync(join(this.confDir, group)).isDirectory();
      } catch {
        known = false;
      }
      this.dirs.set(group, known);
    }
    return known;
  }

  /** Option names of a group (its `.yaml`/`.yml` files), sorted. */
  options(group: string): string[] {
    try {
      return readdirSync(join(this.confDir, group), { withFileTypes: true })
        .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
        .map((entry) => entry.name.replace(/\.ya?ml$/, ''))
        .sort();
    } catch {
      return [];
    }
  }
}
