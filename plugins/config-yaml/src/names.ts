import { posix, win32 } from 'node:path';

/**
 * Why `name` (an option like `small` or `sub/small`, or a config name) cannot name a file
 * inside its folder, as the end of "…, and <reason>."; undefined when it can. Option
 * names come from the command line and from YAML files, and are joined onto a folder
 * path, so anything that could climb out of that folder is refused before any file is read.
 */
export function leavesFolder(name: string): string | undefined {
  if (name.includes('\\')) return 'a backslash is not a folder separator here (use /)';
  if (name.includes('\0')) return 'a NUL character names no file';
  if (posix.isAbsolute(name) || win32.isAbsolute(name) || /^[A-Za-z]:/.test(name)) return 'an absolute path would leave that folder';
  const segments = name.split('/');
  if (segments.includes('..')) return '`..` would leave that folder';
  if (segments.some((s) => s === '' || s === '.')) return 'an empty or `.` path segment names no file';
  return undefined;
}

/** `.yaml`/`.yml` on a configName: Hydra's config_name is given without it, and accepts it with it. */
export function splitExtension(configName: string): { name: string; exts: string[] } {
  const match = /\.(ya?ml)$/.exec(configName);
  return match ? { name: configName.slice(0, -match[0].length), exts: [`.${match[1]}`] } : { name: configName, exts: ['.yaml', '.yml'] };
}
