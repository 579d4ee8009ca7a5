// Medians, ratios, Markdown tables, JSON results and the docs/benchmarks.md section of a suite.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryMethod } from './measure.mjs';

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Load average when the suite started (this module is imported first thing). */
const loadAtStart = os.loadavg().map((x) => x.toFixed(2)).join(' ');
export const repoRoot = join(benchDir, '..', '..');

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function formatMs(ms) {
  if (ms === undefined) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function formatKb(kb) {
  if (kb === undefined) return '–';
  if (kb < 1024) return `${kb} KiB`;
  if (kb < 1024 * 1024) return `${(kb / 1024).toFixed(0)} MiB`;
  return `${(kb / 1024 / 1024).toFixed(2)} GiB`;
}

/** aero/peer: below 1 means aero is faster (or smaller). */
export function formatRatio(aero, peer) {
  if (aero === undefined || peer === undefined || peer === 0) return '–';
  const r = aero / peer;
  return r >= 0.1 ? r.toFixed(2) : r >= 0.001 ? r.toFixed(4) : r.toExponential(1);
}

export function markdownTable(header, rows) {
  const esc = (c) => String(c ?? '').replaceAll('|', '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function tryExec(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 }).trim();
  } catch {
    return undefined;
  }
}

/** What the numbers were measured on. */
export function describeMachine(extra = {}) {
  const cpus = os.cpus();
  let cgroupCpus;
  try {
    const [quota, period] = readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim().split(' ');
    if (quota !== 'max') cgroupCpus = Number(quota) / Number(period);
  } catch { /* cgroup v1 or none */ }
  let distro;
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  } catch { /* not Linux */ }
  const loadNow = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  return {
    os: `${distro ?? os.type()} (kernel ${os.release()}, ${os.arch()})`,
    cpu: `${cpus[0]?.model?.trim() ?? 'unknown'} × ${os.availableParallelism?.() ?? cpus.length}${cgroupCpus ? ` (cgroup quota ${cgroupCpus} CPUs)` : ''}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadNow,
    memoryMethod,
    date: new Date().toISOString(),
    gitCommit: tryExec('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']),
    ...extra,
  };
}

function atomicWrite(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Writes tools/bench/results/<suite>.json. */
export function writeResults(suite, data) {
  const file = join(benchDir, 'results', `${suite}.json`);
  atomicWrite(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/**
 * Replaces the section between `<!-- bench:<suite>:start -->` and `<!-- bench:<suite>:end -->`
 * in docs/benchmarks.md (appending it when missing), leaving the hand-written text alone.
 */
export function writeDocsSection(suite, markdown) {
  const file = join(repoRoot, 'docs', 'benchmarks.md');
  const start = `<!-- bench:${suite}:start -->`;
  const end = `<!-- bench:${suite}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  text = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  atomicWrite(file, text);
  return file;
}

/** The machine as a Markdown bullet list. */
export function machineMarkdown(machine) {
  return Object.entries(machine)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `- ${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join('\n');
}

/** Simple `--name value` / `--flag` parser for the suites. */
export function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const [key, inline] = a.slice(2).split('=', 2);
    const name = key.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(name in defaults)) throw new Error(`unknown option --${key}; known: ${Object.keys(defaults).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(' ')}`);
    const def = defaults[name];
    if (typeof def === 'boolean') out[name] = inline === undefined ? true : inline !== 'false';
    else {
      const v = inline ?? argv[++i];
      out[name] = typeof def === 'number' ? Number(v) : Array.isArray(def) ? v.split(',').filter(Boolean) : v;
    }
  }
  return out;
}

/** The leading `//` comment block of a suite's file, as its --help text. */
export function usageOf(fileUrl) {
  const lines = readFileSync(new URL(fileUrl), 'utf8').split('\n').slice(1);
  const end = lines.findIndex((l) => !l.startsWith('//'));
  return `${lines.slice(0, end < 0 ? lines.length : end).map((l) => l.replace(/^\/\/ ?/, '')).join('\n')}\n`;
}
