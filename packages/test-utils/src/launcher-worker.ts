// Stand-in for `aero exec --spec <job.json>` that follows the same file protocol: reads
// the spec, appends JobEvents to <jobDir>/events.jsonl, writes its output file into
// <spec.cwd>/.aero/store/<jobId>.json, and writes <jobDir>/result.json atomically. Its
// behaviour is driven by spec.params so tests can make it crash, fail, sleep or print.
// Run as a script (see launcherWorkerScript); it is not part of the package's API.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

interface WorkerParams {
  stdout?: string[];
  stderr?: string[];
  sleepMs?: number;
  exitCode?: number;
  noResult?: boolean;
  fail?: boolean;
}

const specPath = process.argv[process.argv.indexOf('--spec') + 1]!;
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { jobId: string; jobDir: string; cwd: string; action: string; partition?: unknown; params?: WorkerParams };
const p: WorkerParams = spec.params ?? {};
const event = (e: Record<string, unknown>) => appendFileSync(join(spec.jobDir, 'events.jsonl'), JSON.stringify({ jobId: spec.jobId, ...e }) + '\n');
const startedAt = new Date().toISOString();
event({ type: 'job:started', host: hostname() });
for (const line of p.stdout ?? []) console.log(line);
for (const line of p.stderr ?? []) console.error(line);
event({ type: 'job:metrics', points: [{ name: 'task', value: Number(process.env.SLURM_ARRAY_TASK_ID ?? -1), step: 0, timestamp: Date.now() }] });
if (p.sleepMs) await new Promise((r) => setTimeout(r, p.sleepMs));
if (p.exitCode !== undefined) process.exit(p.exitCode);
if (p.noResult) process.exit(0);
// A variant.txt beside the script says which copy of the code ran (an image's or a --dev mount's).
const variantFile = new URL('./variant.txt', import.meta.url);
const variant = existsSync(variantFile) ? readFileSync(variantFile, 'utf8').trim() : null;
const container = existsSync('/run/.containerenv') || existsSync('/.dockerenv');
const body = JSON.stringify({ jobId: spec.jobId, partition: spec.partition ?? null, env: process.env.AERO_TEST_VALUE ?? null, cwd: process.cwd(), specCwd: spec.cwd, container, variant });
const digest = 'sha256:' + createHash('sha256').update(body).digest('hex');
mkdirSync(join(spec.cwd, '.aero', 'store'), { recursive: true });
writeFileSync(join(spec.cwd, '.aero', 'store', `${spec.jobId}.json`), body);
const result = p.fail
  ? { jobId: spec.jobId, ok: false, outputs: {}, error: { code: 'ACTION_FAILED', message: `action ${spec.action} failed on purpose` }, startedAt, finishedAt: new Date().toISOString() }
  : { jobId: spec.jobId, ok: true, outputs: { out: digest }, startedAt, finishedAt: new Date().toISOString() };
const tmp = join(spec.jobDir, `result.json.${process.pid}.tmp`);
writeFileSync(tmp, JSON.stringify(result));
renameSync(tmp, join(spec.jobDir, 'result.json'));
