import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { AeroError, ErrorCodes } from '../errors.js';
import { BRIDGE_SOURCE } from './bridge-script.js';

/** The optuna the bridge is written for, as pip spells it (in every install hint). */
export const OPTUNA_REQUIREMENT = 'optuna>=5,<6';
const INSTALL = `python3 -m pip install '${OPTUNA_REQUIREMENT}' cmaes`;
const EXTRA_INSTALL: Record<string, string> = {
  cmaes: "python3 -m pip install cmaes",
  torch: "python3 -m pip install torch scipy",
  scipy: "python3 -m pip install scipy",
};

export interface OptunaTrialInfo {
  number: number;
  state: 'complete' | 'pruned' | 'fail' | 'running' | 'waiting';
  params: Record<string, unknown>;
  values: Array<number | null> | null;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  op: string;
}

const NEEDS = 'the tpe, cmaes and gp samplers and the pruners run in Optuna';
const INSTALL_HINT = `Install Python 3, then run ${INSTALL} (or bash tools/optuna/start.sh in the aero repo), or point AERO_OPTUNA_PYTHON or --python at a Python that has optuna.`;

/** What to check when the program named as Python is not one (it printed nothing, or not the bridge's first line). */
function checkPythonHint(python: string): string {
  return `Check --python (or AERO_OPTUNA_PYTHON, else python3 on PATH): \`${python}\` must be a Python 3 interpreter that has optuna (${INSTALL} installs it).`;
}

/** The program could not be started at all: missing (ENOENT), not executable (EACCES), a path through a file (ENOTDIR). */
function spawnFailure(python: string, error: NodeJS.ErrnoException): AeroError {
  const why =
    error.code === 'ENOENT'
      ? 'was not found'
      : error.code === 'EACCES'
        ? 'cannot be run (EACCES: it is not an executable file)'
        : `cannot be started (${error.code ?? 'error'}: ${error.message})`;
  return new AeroError(ErrorCodes.TUNE_OPTUNA_MISSING, `Python \`${python}\` ${why}; ${NEEDS}.`, { hint: INSTALL_HINT, cause: error });
}

/** The program exited before the bridge's first line: quote its stderr, or say it printed nothing. */
function earlyExit(python: string, how: string, stderr: string): AeroError {
  if (!stderr) {
    return new AeroError(ErrorCodes.TUNE_OPTUNA_FAILED, `The Optuna bridge (${python}) exited with ${how} before it started, and printed nothing: \`${python}\` does not look like a Python interpreter.`, {
      hint: checkPythonHint(python),
    });
  }
  return new AeroError(ErrorCodes.TUNE_OPTUNA_FAILED, `The Optuna bridge (${python}) exited with ${how} before it started: ${stderr.slice(-500)}`, { hint: checkPythonHint(python) });
}

/**
 * A long-lived `python -u -c <BRIDGE_SOURCE>` process: one study, asked and told over
 * line-delimited JSON (see the script's docstring). Python is `options.python`, else
 * $AERO_OPTUNA_PYTHON (tools/optuna/start.sh writes it), else `python3` on PATH.
 */
export class OptunaBridge {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: AeroError | undefined;
  private stderr: string[] = [];

  private constructor(private readonly child: ChildProcess, readonly python: string, readonly optunaVersion: string) {}

  static async start(options: { python?: string | undefined; env?: NodeJS.ProcessEnv } = {}): Promise<OptunaBridge> {
    const env = options.env ?? process.env;
    const python = options.python ?? env.AERO_OPTUNA_PYTHON ?? 'python3';
    const child = spawn(python, ['-u', '-c', BRIDGE_SOURCE], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...env, PYTHONUNBUFFERED: '1' } });
    const lines = createInterface({ input: child.stdout! });
    const stderr: string[] = [];
    child.stderr!.on('data', (d: Buffer) => {
      stderr.push(d.toString('utf8'));
      if (stderr.length > 50) stderr.shift();
    });
    const first = await new Promise<string>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) => reject(spawnFailure(python, error)));
      lines.once('line', resolve);
      // 'close', not 'exit': by then everything the program wrote to stderr has been read.
      child.once('close', (code, signal) => reject(earlyExit(python, signal ?? `code ${code}`, stderr.join('').trim())));
    });
    let hello: { ready?: boolean; optuna?: string; missing?: string };
    try {
      hello = JSON.parse(first) as typeof hello;
    } catch {
      child.kill();
      throw new AeroError(ErrorCodes.TUNE_OPTUNA_FAILED, `The Optuna bridge (${python}) printed \`${first.slice(0, 200)}\` instead of its ready line: \`${python}\` does not look like a Python interpreter.`, {
        hint: checkPythonHint(python),
      });
    }
    if (!hello.ready) {
      child.kill();
      throw new AeroError(ErrorCodes.TUNE_OPTUNA_MISSING, `Python \`${python}\` cannot import ${hello.missing ?? 'optuna'}, which the tpe, cmaes and gp samplers and the pruners need.`, {
        hint: `Run ${python === 'python3' ? INSTALL : `${python} -m pip install '${OPTUNA_REQUIREMENT}' cmaes`} (or bash tools/optuna/start.sh in the aero repo), or point AERO_OPTUNA_PYTHON at a Python that has optuna.`,
      });
    }
    const bridge = new OptunaBridge(child, python, hello.optuna ?? 'unknown');
    bridge.stderr = stderr;
    lines.on('line', (line) => bridge.onLine(line));
    child.on('exit', (code, signal) => bridge.onExit(code, signal));
    return bridge;
  }

  private onLine(line: string): void {
    let message: { id?: number; ok?: boolean; result?: unknown; error?: { type: string; message: string; module?: string } };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return;
    }
    const pending = message.id === undefined ? undefined : this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id!);
    if (message.ok) return pending.resolve(message.result);
    const error = message.error ?? { type: 'Error', message: 'no error given' };
    if (error.type === 'missing') {
      const module = error.module ?? 'a module';
      pending.reject(
        new AeroError(ErrorCodes.TUNE_OPTUNA_MISSING, `Optuna (${this.python}) needs the Python package \`${module}\` for this sampler: ${error.message}.`, {
          hint: `Run ${(EXTRA_INSTALL[module] ?? `python3 -m pip install ${module}`).replace(/^python3/, this.python)}, or choose another --sampler (tpe needs nothing more).`,
        }),
      );
      return;
    }
    pending.reject(new AeroError(ErrorCodes.TUNE_OPTUNA_FAILED, `Optuna refused \`${pending.op}\`: ${error.type}: ${error.message}`, { hint: 'See the message above; the study file is unchanged by a refused call.' }));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = new AeroError(ErrorCodes.TUNE_OPTUNA_FAILED, `The Optuna bridge (${this.python}) exited (${signal ?? `code ${code}`}): ${this.stderr.join('').trim().slice(-500) || 'no output'}`, {
      hint: 'Rerun the same aero tune command: the study resumes from its storage.',
    });
    for (const p of this.pending.values()) p.reject(this.exited);
    this.pending.clear();
  }

  /** One request; answers come back in order, but ids keep them matched regardless. */
  call<T>(op: string, body: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op });
      this.child.stdin!.write(JSON.stringify({ id, op, ...body }) + '\n');
    });
  }

  open(request: { storage: string; study: string; directions: string[]; sampler: { name: string; seed: number }; pruner: { name: string } }) {
    return this.call<{ trials: OptunaTrialInfo[]; directions: string[] }>('open', request);
  }

  ask(distributions: Record<string, Record<string, unknown>>, fixed?: Record<string, unknown>) {
    return this.call<{ number: number; params: Record<string, unknown> }>('ask', { distributions, ...(fixed ? { fixed } : {}) });
  }

  report(number: number, value: number, step: number) {
    return this.call<{ prune: boolean }>('report', { number, value, step });
  }

  tell(number: number, state: 'complete' | 'pruned' | 'fail', values?: number[]) {
    return this.call<Record<string, never>>('tell', { number, state, ...(values ? { values } : {}) });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call('close').catch(() => undefined);
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill(), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
