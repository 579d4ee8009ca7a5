import { spawn } from 'node:child_process';
import { CreateError, CreateErrorCodes } from './errors.js';

/** `npm install` in the new project, its output shown as it goes. */
export async function installDependencies(dir: string, options: { npm?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  const npm = options.npm ?? 'npm';
  const code = await new Promise<number | string>((resolve) => {
    // npm is npm.cmd on Windows, which only a shell can start.
    const child = spawn(npm, ['install', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit', env: options.env ?? process.env, shell: process.platform === 'win32' });
    child.on('error', (error) => resolve(error.message));
    child.on('close', (exit, signal) => resolve(exit ?? signal ?? 1));
  });
  if (code !== 0) {
    throw new CreateError(CreateErrorCodes.INSTALL_FAILED, `npm install in ${dir} failed (${typeof code === 'number' ? `exit code ${code}` : code}); the project files are written.`, {
      hint: `Fix what npm printed above, then: cd ${dir} && npm install`,
      exitCode: 1,
    });
  }
}
