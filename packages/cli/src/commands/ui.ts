import type { ParsedArgs } from '../args.js';
import type { IO } from '../io.js';
import { openProject } from '../project.js';

/** `aero ui`: serves the store read-only in a browser until Ctrl-C. */
export default async function ui(args: ParsedArgs, io: IO): Promise<number> {
  const { startUiServer, parsePort, isLoopback } = await import('@aeroml/ui');
  const port = typeof args.values.port === 'string' ? parsePort(args.values.port) : 4173;
  const host = typeof args.values.host === 'string' ? args.values.host : '127.0.0.1';
  const aero = await openProject(args);
  let server;
  try {
    server = await startUiServer(aero, { port, host });
  } catch (error) {
    await aero.close();
    throw error;
  }
  if (!isLoopback(host)) {
    io.err(`[aero] warning: --host ${host} serves this project's runs, params, logs and artifacts to every machine that can reach this one; aero ui has no login. Use the default (--host 127.0.0.1) unless that is what you want.`);
  }
  if (args.values.json) io.out(JSON.stringify({ type: 'ui:listening', url: server.url, host: server.host, port: server.port }));
  else io.out(`aero ui: ${aero.project} (store: ${aero.plugins.store.name}, read-only) at ${server.url}\nPress Ctrl-C to stop.`);
  if (args.values.open) openBrowser(server.url, io);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await aero.close();
  return 0;
}

/** The desktop's own opener; a machine without one (a server, CI) just keeps the printed URL. */
function openBrowser(url: string, io: IO): void {
  void import('node:child_process').then(({ spawn }) => {
    const [cmd, ...rest] = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""'] : ['xdg-open'];
    const child = spawn(cmd!, [...rest, url], { stdio: 'ignore', detached: true });
    child.on('error', () => io.err(`[aero] could not open a browser (${cmd} not found); open ${url} yourself.`));
    child.unref();
  });
}
