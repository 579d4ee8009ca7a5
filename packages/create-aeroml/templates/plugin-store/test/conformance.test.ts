// The shared Store conformance suite from @aeroml/test-utils: atomic puts, ifAbsent under
// races, listing, unusual keys and 32 MiB streams. Every call of the factory is a new
// client of the same folder.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStore } from '@aeroml/test-utils';
import { folderStore } from '../src/index.js';

const dir = await mkdtemp(join(tmpdir(), 'folder-store-'));
describeStore('folder', () => folderStore({ dir }));
