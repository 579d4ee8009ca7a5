import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface S3Env {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Connection facts written by tools/s3/start.sh. */
export function readS3Env(): S3Env {
  const file = join(repoRoot, '.tools', 's3.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: run \`bash tools/s3/start.sh\` (the vitest globalSetup does) to start the local S3 server.`);
  }
  const vars = Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
  const need = (name: string): string => {
    const value = vars[name];
    if (!value) throw new Error(`${file} has no ${name}; run \`bash tools/s3/start.sh\` again.`);
    return value;
  };
  return {
    endpoint: need('AERO_S3_ENDPOINT'),
    bucket: need('AERO_S3_BUCKET'),
    region: need('AERO_S3_REGION'),
    accessKeyId: need('AERO_S3_ACCESS_KEY_ID'),
    secretAccessKey: need('AERO_S3_SECRET_ACCESS_KEY'),
  };
}
