import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Installs (first time) Debian's numpy/astropy via tools/pyref/start.sh; a fast no-op afterwards. */
export default function setup(): void {
  const script = fileURLToPath(new URL('../../../tools/pyref/start.sh', import.meta.url));
  try {
    execFileSync('bash', [script], { stdio: 'pipe', timeout: 10 * 60_000 });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(
      `The numpy/astropy reference (tools/pyref/start.sh) could not be set up, so the astropy cross-checks cannot run.\n` +
        `Run \`bash tools/pyref/start.sh\` from the repo root and fix what it reports.\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? e.message}`,
    );
  }
}
