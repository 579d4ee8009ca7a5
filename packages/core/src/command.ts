import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ZodType } from 'zod';
import type { Resources } from './contracts/launcher.js';
import type { Action, InputHandle, InputRef, OutputSpec, PartitionSpec, RunContext } from './define.js';
import { callerFile, createAction } from './define.js';
import { AeroError, ErrorCodes } from './errors.js';

export interface CommandDefinition<P = unknown> {
  name: string;
  group?: string;
  type?: string;
  description?: string;
  /**
   * argv, each element may hold `{inputs.x}`, `{outputs.y}`, `{params.z}`, `{partition.k}`.
   * A gathered input expands to one argv element per file. A string is split on spaces.
   */
  cmd: readonly string[] | string;
  /** Files whose content is part of the cache key (scripts, requirements). */
  deps?: string[];
  inputs?: Record<string, InputRef>;
  outputs?: Record<string, OutputSpec>;
  params?: ZodType<P>;
  paramsKey?: string;
  partitions?: PartitionSpec;
  resources?: Resources;
  env?: Record<string, string>;
  launcher?: string;
  version?: string;
}

/** Name of the environment variable that tells a command where to append metric lines. */
export const METRICS_FILE_ENV = 'AERO_METRICS_FILE';

/**
 * Any-language step, DVC style: runs `cmd` with placeholders filled in. The command
 * reports metrics by appending JSON lines `{"name","value","step"?}` to the file named
 * in $AERO_METRICS_FILE.
 */
export function defineCommand<P = unknown>(definition: CommandDefinition<P>): Action<P> {
  const argv = typeof definition.cmd === 'string' ? definition.cmd.split(/\s+/).filter(Boolean) : [...definition.cmd];
  if (argv.length === 0) {
    throw new AeroError(ErrorCodes.COMMAND_TEMPLATE, `Command \`${definition.name}\` has an empty \`cmd\`.`, { hint: "Give the program and its arguments, e.g. cmd: ['python3', 'train.py']." });
  }
  const env = definition.env ?? {};
  return createAction<P>(
    {
      ...definition,
      deps: definition.deps ?? [],
      run: (ctx) => runCommand(definition.name, argv, env, ctx),
    },
    argv,
    callerFile(),
  );
}

async function runCommand(name: string, template: string[], env: Record<string, string>, ctx: RunContext<unknown, any, any>): Promise<void> {
  const argv = template.flatMap((arg) => substitute(name, arg, ctx));
  const metricsFile = join(ctx.workDir, 'metrics.jsonl');
  await rm(metricsFile, { force: true });
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: ctx.cwd,
    // ctx.env carries the job's CUDA_VISIBLE_DEVICES also when the command runs inline.
    env: { ...process.env, ...ctx.env, ...env, [METRICS_FILE_ENV]: metricsFile },
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: ctx.signal,
  });
  const tail: string[] = [];
  const pipe = (stream: NodeJS.ReadableStream, to: 'info' | 'warn') =>
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      ctx.log[to](line);
    });
  pipe(child.stdout!, 'info');
  pipe(child.stderr!, 'warn');
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new AeroError(ErrorCodes.COMMAND_FAILED, `Command \`${name}\` could not start: \`${argv[0]}\` was not found.`, { hint: 'Install the program or fix `cmd`.' }));
      } else reject(error);
    });
    child.on('close', (exitCode) => resolve(exitCode));
  });
  await readMetrics(metricsFile, ctx);
  if (ctx.signal.aborted) return;
  if (code !== 0) {
    throw new AeroError(ErrorCodes.COMMAND_FAILED, `Command \`${name}\` exited with code ${code}: ${argv.join(' ')}${tail.length ? `\n${tail.join('\n')}` : ''}`, {
      hint: 'The last lines of its output are above; the full log is in `aero logs`.',
    });
  }
}

async function readMetrics(file: string, ctx: RunContext<unknown, any, any>): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return;
  }
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    try {
      const point = JSON.parse(line) as { name?: unknown; value?: unknown; step?: unknown };
      if (typeof point.name !== 'string' || typeof point.value !== 'number') throw new Error('needs "name" (string) and "value" (number)');
      ctx.log.metric(point.name, point.value, typeof point.step === 'number' ? point.step : undefined);
    } catch (error) {
      ctx.log.warn(`[aero] ignored metrics line ${i + 1}: ${(error as Error).message}`);
    }
  }
}

const PLACEHOLDER = /\{(inputs|outputs|params|partition)\.([A-Za-z0-9_.-]+)\}/g;

function substitute(name: string, arg: string, ctx: RunContext<unknown, any, any>): string[] {
  // A lone gathered-input placeholder expands to several argv elements.
  const lone = /^\{inputs\.([A-Za-z0-9_-]+)\}$/.exec(arg);
  if (lone) {
    const handle = ctx.inputs[lone[1]!] as InputHandle | InputHandle[] | undefined;
    if (Array.isArray(handle)) return handle.map((h) => h.path);
  }
  return [
    arg.replace(PLACEHOLDER, (_all, scope: string, key: string) => {
      const value = lookup(scope, key, ctx);
      if (value === undefined) {
        throw new AeroError(ErrorCodes.COMMAND_TEMPLATE, `Command \`${name}\` uses \`{${scope}.${key}}\`, which is not defined.`, {
          hint: `Declare \`${key}\` in the command's ${scope}.`,
        });
      }
      return value;
    }),
  ];
}

function lookup(scope: string, key: string, ctx: RunContext<unknown, any, any>): string | undefined {
  if (scope === 'inputs') {
    const handle = ctx.inputs[key] as InputHandle | InputHandle[] | undefined;
    if (!handle) return undefined;
    return Array.isArray(handle) ? handle.map((h) => h.path).join(' ') : handle.path;
  }
  if (scope === 'outputs') return (ctx.outputs[key] as { path: string } | undefined)?.path;
  if (scope === 'partition') return ctx.partition?.[key] === undefined ? undefined : String(ctx.partition[key]);
  let value: unknown = ctx.params;
  for (const part of key.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  if (value === undefined) return undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
