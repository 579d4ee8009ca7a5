import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeStore } from '@aeroml/test-utils';
import { localStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'aero-store-local-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every factory call is a new client of the same directory, like two `aero` processes.
describeStore('local', () => localStore({ dir }));
