import { spawn, type ChildProcess } from 'node:child_process';
import { aeroCliEnv } from '@aeroml/test-utils';
import { CLI } from './fixture.js';

export interface RunningUi {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Starts the real `aero ui --port 0 --json` in `cwd` and resolves with the URL it printed. */
export function startUi(cwd: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<RunningUi> {
  const child = spawn(process.execPath, [CLI, 'ui', '--port', '0', '--json', ...extraArgs], { cwd, env: aeroCliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.includes('"ui:listening"'));
      if (line) {
        const { url } = JSON.parse(line) as { url: string };
        resolve({
          url,
          child,
          stderr: () => stderr,
          stop: async () => {
            child.kill('SIGINT');
            return closed;
          },
        });
      }
    });
    void closed.then((code) => reject(new Error(`aero ui exited (${code}) before listening: ${stderr}`)));
  });
}

/** A GET (or another method) on the UI, with the body as text. */
export async function request(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}
