import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherWorkerScript } from '@aeroml/test-utils';

export const DEV_IMAGE = 'localhost/aero-devtest:test';

/** The image's build context: fixtures/dev-image (Containerfile, variant.txt) and the stand-in worker of @aeroml/test-utils. */
function devImageContext(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aero-dev-image-'));
  for (const file of ['Containerfile', 'variant.txt']) copyFileSync(fileURLToPath(new URL(`./fixtures/dev-image/${file}`, import.meta.url)), join(dir, file));
  copyFileSync(launcherWorkerScript, join(dir, 'worker.mjs'));
  return dir;
}

/**
 * Starts (or finds) podman with the local test image, then builds the small image the
 * --dev tests use (the fixture worker baked in at /app). Fails, never skips.
 */
export default function setup(): void {
  const script = fileURLToPath(new URL('../../../tools/podman/start.sh', import.meta.url));
  let context: string | undefined;
  try {
    execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 480_000 });
    context = devImageContext();
    execFileSync('podman', ['--runtime', 'runc', '--cgroup-manager=cgroupfs', 'build', '--pull=never', '-q', '-t', DEV_IMAGE, context], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`podman or its test images could not be set up by tools/podman/start.sh; @aeroml/launcher-docker's tests need them.\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? e.message}`);
  } finally {
    if (context) rmSync(context, { recursive: true, force: true });
  }
}
