#!/usr/bin/env node
// Local W&B wire-protocol server for aero's tests. See README.md next to this file.
//   node tools/wandb-server/server.mjs [--port N] [--host 127.0.0.1]
// Prints one JSON line {"ready":true,"baseUrl":...} on stdout once it listens.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from './lib/http.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** graphql-js from the repo's node_modules, or from .tools/wandb-server when start.sh installed it there. */
async function loadGraphql() {
  try {
    return await import('graphql');
  } catch {
    const fallback = join(here, '..', '..', '.tools', 'wandb-server', 'node_modules', 'graphql', 'index.mjs');
    if (existsSync(fallback)) return import(pathToFileURL(fallback).href);
    const require = createRequire(import.meta.url);
    return require('graphql');
  }
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const graphql = await loadGraphql();
const host = arg('host', '127.0.0.1');
if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
  process.stderr.write(`refusing to listen on ${host}: this test server only serves loopback\n`);
  process.exit(2);
}
const { baseUrl, port } = await startServer({ port: Number(arg('port', '0')), host, graphql });
process.stdout.write(JSON.stringify({ ready: true, baseUrl, port, pid: process.pid }) + '\n');
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
