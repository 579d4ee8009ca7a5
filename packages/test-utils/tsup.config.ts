import { defineConfig } from 'tsup';
import { aeroTsup } from '../../tsup.config.base';

// ES modules only: vitest cannot be loaded with require(), so a CommonJS build of the
// conformance suites could never run (tools/package-meta/meta.mjs lists the exception).
// src/launcher-worker.ts is a script the launcher fixtures run (launcherWorkerScript), not an import.
// Builtins keep their `node:` prefix: a bare `stream` can resolve to a path under vitest.
export default defineConfig(aeroTsup(['src/index.ts', 'src/launcher-worker.ts'], { format: ['esm'], removeNodeProtocol: false }));
