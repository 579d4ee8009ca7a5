#!/usr/bin/env node
// A small HTTP proxy on loopback that sits in front of the S3 server and misbehaves on
// purpose: it drops connections, loses responses after the server applied the request,
// cuts response bodies short, delays requests, answers 503 SlowDown, or (like some
// S3-compatible servers) rejects requests that carry the AWS SDK's default CRC checksums.
// Faults are drawn from a seeded PRNG, so a run is reproducible.
//
//   import { startFaultProxy } from '../../tools/s3/fault-proxy.mjs';
//   const proxy = await startFaultProxy({ target: 'http://127.0.0.1:9310', errorRate: 0.1 });
//   ... use proxy.url as the S3 endpoint ... await proxy.close();
//
//   node tools/s3/fault-proxy.mjs --target http://127.0.0.1:9310 --port 9311 --drop-rate 0.05
import http from 'node:http';
import { fileURLToPath } from 'node:url';
// The seeded PRNG is pure-rand's (the examples use the same one) rather than one more
// hand-written copy: the same seed gives the same faults on every machine.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

const ACTIONS = ['pass', 'drop', 'drop-response', 'truncate', 'error', 'delay', 'reject-checksum'];

function usesSdkChecksums(req) {
  const h = req.headers;
  if (h['x-amz-sdk-checksum-algorithm'] || h['x-amz-trailer']) return true;
  if (Object.keys(h).some((name) => name.startsWith('x-amz-checksum-'))) return true;
  if (String(h['content-encoding'] ?? '').includes('aws-chunked')) return true;
  return String(h['x-amz-content-sha256'] ?? '').includes('TRAILER');
}

function xmlError(code, message) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
}

/**
 * Starts the proxy. Rates are probabilities per request, checked in the order drop,
 * drop-response, truncate, error, delay. `decide(info)` may return an action name to
 * override the dice for a request (info: { method, url, headers, index }).
 */
export async function startFaultProxy(options) {
  const { target, host = '127.0.0.1', port = 0, seed = 1, delayMs = 200, rejectChecksums = false, decide, onRequest } = options;
  const faults = {
    dropRate: options.dropRate ?? 0,
    dropResponseRate: options.dropResponseRate ?? 0,
    truncateRate: options.truncateRate ?? 0,
    errorRate: options.errorRate ?? 0,
    delayRate: options.delayRate ?? 0,
  };
  const upstream = new URL(target);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(upstream.hostname)) throw new Error(`fault proxy only forwards to loopback, not ${upstream.hostname}`);
  const generator = xoroshiro128plus(seed);
  const random = () => uniformFloat64(generator);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const stats = Object.fromEntries(ACTIONS.map((a) => [a, 0]));
  stats.requests = 0;
  const sockets = new Set();
  let index = 0;

  const choose = (req) => {
    const info = { method: req.method, url: req.url, headers: req.headers, index: index++ };
    onRequest?.(info);
    if (rejectChecksums && usesSdkChecksums(req)) return 'reject-checksum';
    const forced = decide?.(info);
    if (forced) return forced;
    const r = random();
    let acc = 0;
    for (const [action, rate] of [
      ['drop', faults.dropRate],
      ['drop-response', faults.dropResponseRate],
      ['truncate', faults.truncateRate],
      ['error', faults.errorRate],
      ['delay', faults.delayRate],
    ]) {
      acc += rate;
      if (r < acc) return action;
    }
    return 'pass';
  };

  const forward = (req, res, action) => {
    const up = http.request(
      { host: upstream.hostname.replace(/^\[|\]$/g, ''), port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (upRes) => {
        if (action === 'drop-response') {
          // The server applied the request; the client never hears about it.
          upRes.resume();
          upRes.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (action === 'truncate') {
          const length = Number(upRes.headers['content-length'] ?? 0);
          const cut = Math.floor(length / 2);
          let sent = 0;
          if (cut === 0) {
            upRes.resume();
            res.flushHeaders();
            setImmediate(() => req.socket.destroy());
            return;
          }
          upRes.on('data', (chunk) => {
            if (sent >= cut) return;
            const part = chunk.subarray(0, cut - sent);
            sent += part.length;
            res.write(part);
            if (sent >= cut) {
              upRes.destroy();
              setImmediate(() => req.socket.destroy());
            }
          });
          return;
        }
        upRes.pipe(res);
      },
    );
    up.on('error', () => req.socket.destroy());
    req.pipe(up);
  };

  const server = http.createServer((req, res) => {
    stats.requests++;
    let action = choose(req);
    // Only GET responses have a body to cut short; elsewhere lose the whole response.
    if (action === 'truncate' && req.method !== 'GET') action = 'drop-response';
    stats[action] = (stats[action] ?? 0) + 1;
    switch (action) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'error':
      case 'reject-checksum': {
        req.resume();
        req.on('end', () => {
          const [status, body] =
            action === 'error'
              ? [503, xmlError('SlowDown', 'Please reduce your request rate (fault proxy).')]
              : [400, xmlError('InvalidArgument', 'x-amz-checksum and aws-chunked uploads are not supported by this server (fault proxy).')];
          res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
          res.end(req.method === 'HEAD' ? undefined : body);
        });
        return;
      }
      case 'delay':
        setTimeout(() => forward(req, res, action), delayMs);
        return;
      default:
        forward(req, res, action);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    stats,
    /** Change fault rates on the fly (e.g. 0 for a clean verification pass). */
    setFaults(next) {
      Object.assign(faults, next);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// CLI: node tools/s3/fault-proxy.mjs --target URL [--port N] [--seed N] [--drop-rate R] ...
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const opt = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const value = args[i + 1];
    opt[name] = name === 'target' ? value : name === 'rejectChecksums' ? value === 'true' : Number(value);
  }
  if (!opt.target) {
    console.error('usage: fault-proxy.mjs --target http://127.0.0.1:PORT [--port N] [--seed N] [--drop-rate R] [--drop-response-rate R] [--truncate-rate R] [--error-rate R] [--delay-rate R] [--delay-ms N] [--reject-checksums true]');
    process.exit(2);
  }
  const proxy = await startFaultProxy(opt);
  console.log(proxy.url);
  const stop = async () => {
    console.error(JSON.stringify(proxy.stats));
    await proxy.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
