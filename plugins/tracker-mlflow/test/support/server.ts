// A second, private MLflow server (own port, own sqlite file) that a test may kill and
// restart without disturbing the shared one from tools/mlflow/start.sh.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export class PrivateMlflow {
  private child: ChildProcess | null = null;
  readonly uri: string;
  constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {
    this.uri = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const log = createWriteStream(join(this.dir, 'server.log'), { flags: 'a' });
    const child = spawn(
      this.bin,
      [
        'server',
        '--host', '127.0.0.1',
        '--port', String(this.port),
        '--workers', '1',
        '--backend-store-uri', `sqlite:///${join(this.dir, 'mlflow.db')}`,
        '--serve-artifacts',
        '--artifacts-destination', join(this.dir, 'artifacts'),
        '--allowed-hosts', `127.0.0.1:${this.port},127.0.0.1`,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' } },
    );
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`private MLflow server exited with ${child.exitCode}; see ${join(this.dir, 'server.log')}`);
      const ok = await fetch(`${this.uri}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`private MLflow server on ${this.uri} did not answer within 180 s; see ${join(this.dir, 'server.log')}`);
  }

  /** Sends a signal to the server's process group (SIGSTOP/SIGCONT simulate a hung server). */
  signal(sig: NodeJS.Signals): void {
    if (this.child?.pid !== undefined) process.kill(-this.child.pid, sig);
  }

  /** SIGKILLs the server's whole process group (it was started detached, as its own group). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid, 'SIGKILL');
    await exited;
    // uvicorn workers are in the same group; wait until the port is closed.
    for (let i = 0; i < 50; i++) {
      const open = await fetch(`${this.uri}/health`, { signal: AbortSignal.timeout(500) }).then(() => true, () => false);
      if (!open) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    this.child = null;
  }
}
