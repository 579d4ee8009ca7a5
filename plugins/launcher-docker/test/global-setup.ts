import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const DEV_IMAGE = 'localhost/aero-devtest:test';

/**
 * Starts (or finds) podman with the local test image, then builds the small image the
 * --dev tests use (the fixture worker baked in at /app). Fails, never skips.
 */
export default function setup(): void {
  const script = fileURLToPath(new URL('../../../tools/podman/start.sh', import.meta.url));
  try {
    execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 480_000 });
    execFileSync('podman', ['--runtime', 'runc', '--cgroup-manager=cgroupfs', 'build', '--pull=never', '-q', '-t', DEV_IMAGE, fileURLToPath(new URL('./fixtures/dev-image', import.meta.url))], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`podman or its test images could not be set up by tools/podman/start.sh; @aeroml/launcher-docker's tests need them.\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? e.message}`);
  }
}
