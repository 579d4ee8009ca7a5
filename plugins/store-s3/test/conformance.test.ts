import { join } from 'node:path';
import { describeStore } from '@aeroml/test-utils';
import { s3Store } from '../src/index.js';
import { env, uniquePrefix } from './helpers.js';
import { tmpdir } from 'node:os';

const prefix = uniquePrefix('conformance');
const cacheDir = join(tmpdir(), `aero-s3-conformance-cache-${process.pid}`);

// Every call returns a new client of the same bucket and prefix (two clients race in the suite).
describeStore('s3 (MinIO)', () =>
  s3Store({
    bucket: env.bucket,
    endpoint: env.endpoint,
    region: env.region,
    prefix,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    cacheDir,
  }),
);
