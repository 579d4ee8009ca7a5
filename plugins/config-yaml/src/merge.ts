/**
 * Merges config contents into the params tree the way OmegaConf.merge does: mappings
 * merge key by key, lists and scalars replace, and `???` never replaces a value that is
 * already there. Records, for every path it writes, the file it came from.
 */

export const MISSING = '???';

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (isMapping(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = copy(value[key]);
    return out;
  }
  return value;
}

export class ParamsTree {
  readonly root: Record<string, unknown> = {};
  readonly origins: Record<string, string> = {};

  /** Records `file` for `path` and everything under `value`. */
  private record(path: string, value: unknown, file: string): void {
    this.origins[path] = file;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.record(`${path}.${i}`, value[i], file);
    } else if (isMapping(value)) {
      for (const key of Object.keys(value)) this.record(`${path}.${key}`, value[key], file);
    }
  }

  private forget(path: string): void {
    const prefix = `${path}.`;
    for (const key of Object.keys(this.origins)) if (key.startsWith(prefix)) delete this.origins[key];
  }

  /** Merges `content` at the dot path `pkg` ('' = top level). */
  mergeAt(pkg: string, content: Record<string, unknown>, file: string): void {
    let node = this.root;
    let prefix = '';
    if (pkg) {
      for (const key of pkg.split('.')) {
        prefix = prefix ? `${prefix}.${key}` : key;
        const current = node[key];
        if (isMapping(current)) {
          // A container's origin is the last file that wrote into it.
          this.origins[prefix] = file;
          node = current;
          continue;
        }
        if (current !== undefined) this.forget(prefix);
        const created: Record<string, unknown> = {};
        node[key] = created;
        this.origins[prefix] = file;
        node = created;
      }
    }
    this.mergeMap(node, content, prefix, file);
  }

  private mergeMap(target: Record<string, unknown>, source: Record<string, unknown>, prefix: string, file: string): void {
    for (const key of Object.keys(source)) {
      const value = source[key];
      const path = prefix ? `${prefix}.${key}` : key;
      const existing = target[key];
      if (value === MISSING && existing !== undefined && key in target) continue;
      if (isMapping(value) && isMapping(existing)) {
        this.origins[path] = file;
        this.mergeMap(existing, value, path, file);
        continue;
      }
      if (Array.isArray(existing) || isMapping(existing)) this.forget(path);
      target[key] = copy(value);
      this.record(path, value, file);
    }
  }
}
