import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Aero } from '@aeroml/core';
import { clientAssets } from './assets.js';
import { UiErrorCodes, uiError } from './errors.js';
import { serverPage } from './html.js';
import { answerApi } from './routes.js';

export interface UiServerOptions {
  /** Port to listen on; 0 picks a free one. Default 4173. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1 (this machine only). */
  host?: string;
}

export interface UiServer {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

/** One decimal octet, 0–255, without leading zeros. */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** An IPv4 literal in 127.0.0.0/8: four octets, the first 127. */
const IPV4_LOOPBACK = `127\\.${OCTET}\\.${OCTET}\\.${OCTET}`;
/** A listen address on this machine only: `localhost`, `::1` or 127.0.0.0/8. */
const LOOPBACK_ADDRESS = new RegExp(`^(?:localhost|::1|${IPV4_LOOPBACK})$`, 'i');
/**
 * A `Host` header that names this machine: `localhost`, `[::1]` or an IPv4 literal in
 * 127.0.0.0/8, each with an optional `:port`. Nothing else: `127.evil.example`,
 * `127.0.0.1.nip.io` and `localhost.evil.com` are names an attacker's DNS answers for.
 */
const LOOPBACK_HOST_HEADER = new RegExp(`^(?:localhost|\\[::1\\]|${IPV4_LOOPBACK})(?::\\d{1,5})?$`, 'i');

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/** `--port` text → a port number, or UI_LISTEN_INVALID naming what was typed. */
export function parsePort(text: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw uiError(UiErrorCodes.LISTEN_INVALID, `--port must be a whole number from 0 to 65535, got \`${text}\`.`, { hint: 'Pick a free port: aero ui --port 4174' });
  }
  return port;
}

/** True when `host` only reaches this machine (the default); the CLI warns otherwise. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_ADDRESS.test(host);
}

/**
 * Serves the UI over the project's store: read-only (GET and HEAD only, anything else is
 * 405), on 127.0.0.1 unless told otherwise. node:http and no framework: eight GET routes
 * need no router, and every dependency is one more thing `aero ui` loads and audits.
 */
export async function startUiServer(aero: Aero, options: UiServerOptions = {}): Promise<UiServer> {
  const port = options.port ?? 4173;
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw uiError(UiErrorCodes.LISTEN_INVALID, `--port must be a whole number from 0 to 65535, got \`${String(options.port)}\`.`, { hint: 'Pick a free port: aero ui --port 4174' });
  }
  const assets = clientAssets();
  const loopbackOnly = isLoopback(host);
  const server = createServer((req, res) => {
    handle(aero, assets, loopbackOnly, req, res).catch((error: unknown) => {
      // Never echo internals (stack, environment): a short line is enough for the page.
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: { code: 'INTERNAL', message: (error as Error).message ?? 'internal error' } }));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(uiError(UiErrorCodes.PORT_IN_USE, `Port ${port} on ${host} is already in use by another program.`, { hint: `Pick another port: aero ui --port ${port === 65535 ? 4174 : port + 1}`, cause: error }));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' || error.code === 'EINVAL') {
        reject(uiError(UiErrorCodes.LISTEN_INVALID, `Cannot listen on host \`${host}\`: it is not an address of this machine (${error.code}).`, { hint: 'Use the default (this machine only): aero ui --host 127.0.0.1', cause: error }));
      } else if (error.code === 'EACCES') {
        reject(uiError(UiErrorCodes.PORT_IN_USE, `Not allowed to listen on port ${port} (ports below 1024 need extra rights).`, { hint: 'Pick a port above 1023: aero ui --port 4173', cause: error }));
      } else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shown = isIP(host) === 6 ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${actualPort}/`,
    port: actualPort,
    host,
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function handle(aero: Aero, assets: { js: string; css: string }, loopbackOnly: boolean, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'application/json', JSON.stringify({ error: { code: 'METHOD_NOT_ALLOWED', message: 'aero ui is read-only: only GET and HEAD are answered.' } }));
  }
  // DNS rebinding: a page elsewhere that points its own name at 127.0.0.1 must not read the store.
  if (loopbackOnly && !hostIsLoopback(req.headers.host)) {
    return send(res, 421, 'application/json', JSON.stringify({ error: { code: 'MISDIRECTED', message: 'aero ui on 127.0.0.1 answers only requests addressed to localhost.' } }));
  }
  const pathname = (req.url ?? '/').split('?')[0]!;
  if (pathname === '/' || pathname === '/index.html') return send(res, 200, 'text/html; charset=utf-8', serverPage(aero.project));
  if (pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
  if (pathname === '/assets/app.js') return send(res, 200, 'text/javascript; charset=utf-8', assets.js);
  if (pathname === '/assets/app.css') return send(res, 200, 'text/css; charset=utf-8', assets.css);
  if (!pathname.startsWith('/api/')) return send(res, 404, 'application/json', JSON.stringify({ error: { code: 'NOT_FOUND', message: `Nothing at ${pathname}.` } }));
  let segments: string[];
  try {
    // Split first, decode each segment after: `a%2Fb` stays one segment (a name, never a path).
    segments = pathname.slice('/api/'.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return send(res, 400, 'application/json', JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'Malformed percent-encoding in the path.' } }));
  }
  try {
    const answer = await answerApi(aero, segments);
    return send(res, answer.status, 'application/json', JSON.stringify(answer.body));
  } catch (error) {
    const { AeroError } = await import('@aeroml/core');
    if (error instanceof AeroError) {
      return send(res, 404, 'application/json', JSON.stringify({ error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } }));
    }
    throw error;
  }
}

/** True when a request's `Host` header names this machine (see LOOPBACK_HOST_HEADER). */
function hostIsLoopback(header: string | undefined): boolean {
  return header !== undefined && LOOPBACK_HOST_HEADER.test(header);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
