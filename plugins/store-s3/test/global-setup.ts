import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readS3Env } from './env.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Starts (or finds running) the MinIO from tools/s3/start.sh before any test. A fast no-op
 * when it already runs. Fails loudly, never skips, when the server cannot be had.
 */
export default async function setup(): Promise<void> {
  const script = join(root, 'tools', 's3', 'start.sh');
  if (!existsSync(script)) throw new Error(`@aero/store-s3 tests need ${script}`);
  try {
    execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(
      `@aero/store-s3 tests need a local S3 server, and tools/s3/start.sh failed: ${e.message}\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}\n` +
        'Run `bash tools/s3/start.sh` from the repository root and read its output.',
    );
  }
  const env = readS3Env();
  const res = await fetch(`${env.endpoint}/minio/health/ready`).catch((e: unknown) => e as Error);
  if (res instanceof Error || !res.ok) {
    throw new Error(`The S3 server at ${env.endpoint} (from .tools/s3.env) does not answer: ${res instanceof Error ? res.message : `HTTP ${res.status}`}. Run \`bash tools/s3/start.sh\`.`);
  }
}
