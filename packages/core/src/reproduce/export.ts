import { copyFile, lstat, mkdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ManifestFile } from '../contracts/artifact.js';
import { fetchBlob } from '../blob-fetch.js';
import type { PartitionKey } from '../define.js';
import { AeroError, ErrorCodes, isAeroError } from '../errors.js';
import { sha256File } from '../hash.js';
import { pathEscape } from '../output-paths.js';
import type { AeroProject } from '../project.js';
import { getRun, listRuns } from '../queries/runs.js';
import type { RunRecord } from '../runs.js';
import { didYouMean, nearestNames } from '../suggest.js';
import { fillTemplate, templateSyntaxProblems, templateTags } from '../templates.js';
import { atomicTempPath, publishTemp } from '../util/atomic-write.js';
import { parseArtifactRef } from './refs.js';
import { versionsFromRun } from './versions.js';

export interface ExportOptions {
  /** `<action>` (every output) or `<action>.<output>`. */
  target: string;
  /** Run id, prefix, name or `latest`; default: the newest run that produced the target. */
  run?: string;
  /** Destination folder (relative to the project). */
  to: string;
  /**
   * Where each file goes under `to`, a template: `{action}/{split}/{sim:04d}.{ext}`. Tags:
   * action, output, file (the stored file name), stem, ext, path (the stored path), the
   * instance's partition keys and the config `vars`. Default: each output's own path.
   */
  layout?: string;
  /**
   * Copies instead of hard links. A hard link shares the store's blob: code that edits an
   * exported file in place (instead of replacing it) would change the blob too (which
   * `aero verify` then finds). Copy when the receiver may edit files in place.
   */
  copy?: boolean;
}

export interface ExportedFile {
  /** Relative to `to`, `/`-separated. */
  path: string;
  artifact: string;
  digest: string;
  /** The file's path inside its artifact. */
  source: string;
  status: 'written' | 'replaced' | 'unchanged';
}

export interface ExportReport {
  runId: string;
  to: string;
  files: ExportedFile[];
  counts: { written: number; replaced: number; unchanged: number };
}

const LAYOUT_TAGS = ['action', 'output', 'file', 'stem', 'ext', 'path'];

interface Placement {
  path: string;
  artifact: string;
  digest: string;
  file: ManifestFile;
  partition: PartitionKey | undefined;
}

/**
 * `aero export`: the files of a run's artifacts as plain files under `to` (hard links
 * from a local store, else copies), for code outside aero. Never stale: a file whose
 * content differs from the artifact's is replaced, an identical one is left alone. Every
 * target path is computed and checked (inside `to`, no two files on one path) before the
 * first file is written.
 */
export async function exportArtifacts(aero: AeroProject, options: ExportOptions): Promise<ExportReport> {
  if (options.layout !== undefined && options.layout.trim() === '') {
    throw new AeroError(ErrorCodes.EXPORT_LAYOUT_INVALID, '--layout is empty.', { hint: "Give a template such as --layout '{action}/{output}/{path}', or leave --layout out for each output's own paths." });
  }
  const { action, outputs } = exportTarget(aero, options.target);
  const run = options.run ? await getRun(aero, options.run) : await newestRunWith(aero, action, outputs);
  const vars: Record<string, unknown> = { ...((aero.config as { vars?: Record<string, unknown> }).vars ?? {}) };
  const placements: Placement[] = [];
  let checkedLayout = false;
  for (const output of outputs) {
    const artifact = `${action}.${output}`;
    const versions = versionsFromRun(run, { action, output });
    if (versions.length === 0) {
      throw new AeroError(ErrorCodes.ARTIFACT_NOT_FOUND, `Run ${run.id} has no version of ${artifact} to export.`, { hint: `See what it produced with: aero show ${run.id}` });
    }
    for (const version of versions) {
      if (options.layout && !checkedLayout) {
        checkLayout(options.layout, version.partition, vars);
        checkedLayout = true;
      }
      const manifest = await aero.artifacts.getManifest(artifact, version.digest).catch((error: unknown) => {
        if (!isAeroError(error) || error.code !== ErrorCodes.ARTIFACT_NOT_FOUND) throw error;
        // Its run is still listed but gc removed what it made: a plain `aero run` makes
        // today's version, not this one; --from replays the run's overrides.
        throw new AeroError(ErrorCodes.ARTIFACT_NOT_FOUND, `${artifact}@${version.digest.slice(0, 12)}, made by run ${run.id}, is no longer in the store (removed by \`aero gc\`?).`, {
          hint: `Make it again with the run's overrides: aero run --from ${run.id} (the same version when the code has not changed since), then export it.`,
          cause: error,
        });
      });
      for (const file of manifest.files) {
        const path = options.layout ? fillTemplate(options.layout, layoutVars(vars, version.partition, action, output, file.path)) : file.path;
        placements.push({ path, artifact, digest: version.digest, file, partition: version.partition });
      }
    }
  }
  checkPlacements(placements, options.layout);
  const to = resolve(aero.cwd, options.to);
  await checkDestination(aero, options.to, to, placements);
  const files: ExportedFile[] = [];
  const verified = new Set<string>();
  for (const p of placements) {
    const target = join(to, ...p.path.split('/'));
    const status = await place(aero, p, target, verified, Boolean(options.copy));
    files.push({ path: p.path, artifact: p.artifact, digest: p.digest, source: p.file.path, status });
  }
  const counts = { written: 0, replaced: 0, unchanged: 0 };
  for (const f of files) counts[f.status]++;
  return { runId: run.id, to, files, counts };
}

function exportTarget(aero: AeroProject, target: string): { action: string; outputs: string[] } {
  if (target.includes('.') || target.includes('@')) {
    if (target.includes('@')) {
      throw new AeroError(ErrorCodes.PIN_INVALID, `aero export \`${target}\`: name the version with --run RUN, not @.`, { hint: `aero export ${target.split('@')[0]} --run <run-id> --to <dir>` });
    }
    const ref = parseArtifactRef(target, aero.actions, 'aero export');
    return { action: ref.action, outputs: [ref.output] };
  }
  const action = aero.actions.find((a) => a.name === target);
  if (!action) {
    const names = aero.actions.map((a) => a.name);
    const near = nearestNames(target, names);
    throw new AeroError(ErrorCodes.PIN_UNKNOWN_OUTPUT, `aero export \`${target}\`: no action \`${target}\` in this pipeline.`, {
      hint: near.length ? didYouMean(near) : `Actions: ${names.sort().join(', ')}.`,
      details: { suggestions: near },
    });
  }
  return { action: action.name, outputs: Object.keys(action.outputs) };
}

async function newestRunWith(aero: AeroProject, action: string, outputs: string[]): Promise<RunRecord> {
  for (const run of await listRuns(aero)) if (versionsFromRun(run, { action, output: outputs[0]! }).length > 0) return run;
  throw new AeroError(ErrorCodes.ARTIFACT_NOT_FOUND, `No run has produced \`${action}\` yet, so there is nothing to export.`, { hint: `Run it first: aero run --only ${action}` });
}

function layoutVars(vars: Record<string, unknown>, partition: PartitionKey | undefined, action: string, output: string, path: string): Record<string, unknown> {
  const file = basename(path);
  const dot = file.lastIndexOf('.');
  return { ...vars, ...(partition ?? {}), action, output, file, path, stem: dot > 0 ? file.slice(0, dot) : file, ext: dot > 0 ? file.slice(dot + 1) : '' };
}

function checkLayout(layout: string, partition: PartitionKey | undefined, vars: Record<string, unknown>): void {
  const syntax = templateSyntaxProblems(layout);
  const known = [...LAYOUT_TAGS, ...Object.keys(partition ?? {}), ...Object.keys(vars)];
  const unknown = syntax.length ? [] : templateTags(layout).filter((t) => !known.includes(t));
  if (syntax.length === 0 && unknown.length === 0) return;
  const near = unknown.flatMap((t) => nearestNames(t, known, 1));
  throw new AeroError(ErrorCodes.EXPORT_LAYOUT_INVALID, syntax.length
    ? `--layout \`${layout}\` has ${syntax.join(', ')}.`
    : `--layout \`${layout}\` uses ${unknown.map((t) => `\`{${t}}\``).join(', ')}, which ${unknown.length === 1 ? 'is not a tag' : 'are not tags'} here.`, {
    hint: `${near.length ? `${didYouMean(near.map((n) => `{${n}}`))} ` : ''}Tags here: ${[...new Set(known)].sort().map((t) => `{${t}}`).join(', ')}.`,
  });
}

/**
 * A layout under which no two of `placements` share a path: the artifact (when there are
 * several) and every partition key, then the file's own path. A file is one artifact's
 * file of one partition, so these tell every two apart.
 */
function apartLayout(placements: Placement[]): string {
  const tags = new Set(placements.map((p) => p.artifact)).size > 1 ? ['{action}', '{output}'] : [];
  for (const key of new Set(placements.flatMap((p) => Object.keys(p.partition ?? {})))) tags.push(`{${key}}`);
  return [...tags, '{path}'].join('/');
}

/** Nothing may leave the export folder, and no two different files may share a path. */
function checkPlacements(placements: Placement[], layout: string | undefined): void {
  const seen = new Map<string, Placement>();
  for (const p of placements) {
    const escape = pathEscape(p.path);
    if (escape) {
      throw new AeroError(ErrorCodes.PLAN_PATH_ESCAPES, `aero export: ${p.file.path} of ${p.artifact} would be written to \`${p.path}\`, ${escape === 'absolute' ? 'an absolute path' : escape === 'climbs' ? 'outside the export folder' : 'which names no file in the export folder'}.`, {
        hint: 'Export paths are relative to --to and stay inside it; check --layout and the partition values that fill it.',
      });
    }
    const other = seen.get(p.path);
    if (other && other.file.sha256 !== p.file.sha256) {
      throw new AeroError(ErrorCodes.EXPORT_PATH_COLLISION, `aero export: ${other.file.path} of ${other.artifact}@${other.digest.slice(0, 12)} and ${p.file.path} of ${p.artifact}@${p.digest.slice(0, 12)} would both be written to \`${p.path}\`.`, {
        hint: layout
          ? 'Add the tags that tell them apart to --layout, e.g. {action}, {output}, a partition key or {file}.'
          : `Give a --layout that tells them apart, e.g. --layout '${apartLayout(placements)}'.`,
      });
    }
    seen.set(p.path, p);
  }
  // A file on the path of another's folder (`a` and `a/b`): each path's folders, looked up.
  for (const p of placements) {
    for (let cut = p.path.indexOf('/'); cut > 0; cut = p.path.indexOf('/', cut + 1)) {
      const file = seen.get(p.path.slice(0, cut));
      if (!file) continue;
      throw new AeroError(ErrorCodes.EXPORT_PATH_COLLISION, `aero export: \`${file.path}\` would be both the file ${file.file.path} of ${file.artifact} and a folder holding ${p.file.path} of ${p.artifact} (\`${p.path}\`).`, {
        hint: layout ? 'Give --layout a shape where no file lands on the folder of another, e.g. end it with /{file}.' : `Give a --layout that tells them apart, e.g. --layout '${apartLayout(placements)}'.`,
      });
    }
  }
}

/** `inner` is `outer` or below it. */
function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Before the first file is written: the destination is no folder of aero's own (hard links
 * in the store's objects would be files no manifest names), and every folder on the way to
 * each file is a folder (not a file, nor a symbolic link that could lead out of `to`), and
 * no file would land on an existing folder.
 */
async function checkDestination(aero: AeroProject, given: string, to: string, placements: Placement[]): Promise<void> {
  const refuse = (problem: string, hint = 'Pick another --to, or move what is in the way.') => new AeroError(ErrorCodes.EXPORT_TARGET_INVALID, `aero export --to ${given}: ${problem}.`, { hint });
  if (given.trim() === '') throw refuse('an empty folder name would mean the project folder itself', 'Name the folder to export to, e.g. --to exported.');
  for (const own of [aero.dir, aero.plugins.store.localRoot]) {
    if (own !== undefined && within(to, resolve(own))) throw refuse(`${relative(aero.cwd, resolve(own)) || '.'} is aero's own folder (the store and the runs), not a place for exported files`, 'Export to a folder outside it, e.g. --to exported.');
  }
  const top = await stat(to).catch(() => undefined);
  if (top && !top.isDirectory()) throw refuse('that is a file, not a folder');
  const checked = new Set<string>();
  const kindOf = async (path: string) => {
    const found = await lstat(path).catch(() => undefined);
    return found === undefined ? 'absent' : found.isDirectory() ? 'folder' : found.isSymbolicLink() ? 'symbolic link' : 'file';
  };
  for (const p of placements) {
    const parts = p.path.split('/');
    let dir = to;
    for (const part of parts.slice(0, -1)) {
      dir = join(dir, part);
      if (checked.has(dir)) continue;
      checked.add(dir);
      const kind = await kindOf(dir);
      if (kind !== 'absent' && kind !== 'folder') throw refuse(`${p.artifact}'s ${p.file.path} would be written to ${p.path}, but ${relative(to, dir)} there is a ${kind}, not a folder`);
    }
    if ((await kindOf(join(dir, parts.at(-1)!))) === 'folder') throw refuse(`${p.artifact}'s ${p.file.path} would be written to ${p.path}, which is a folder there`);
  }
}

/** One file, placed atomically: an identical file stays, anything else is replaced. */
async function place(aero: AeroProject, p: Placement, target: string, verified: Set<string>, copy: boolean): Promise<ExportedFile['status']> {
  const existing = await sha256File(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.sha256 === p.file.sha256) return 'unchanged';
  await mkdir(dirname(target), { recursive: true });
  // fetchBlob links (or copies, across filesystems) and checks the bytes against the
  // digest; into a temp name first so a reader never sees a half-placed file.
  const tmp = atomicTempPath(dirname(target));
  try {
    await fetchBlob(aero.plugins.store, p.artifact, p.file, tmp, verified);
    if (copy) {
      // A file of its own, not the store's inode (see `copy`).
      const own = atomicTempPath(dirname(target));
      try {
        await copyFile(tmp, own);
      } catch (error) {
        await rm(own, { force: true });
        throw error;
      }
      await publishTemp(own, target);
    } else await publishTemp(tmp, target);
  } finally {
    await rm(tmp, { force: true });
  }
  return existing ? 'replaced' : 'written';
}
