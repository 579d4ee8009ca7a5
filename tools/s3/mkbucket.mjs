#!/usr/bin/env node
// Creates a bucket on the local S3 server with a SigV4-signed PUT (node built-ins only, so
// start.sh works before `npm ci`). Exits 0 when the bucket exists afterwards.
//   node tools/s3/mkbucket.mjs http://127.0.0.1:9310 BUCKET ACCESS_KEY SECRET_KEY [region]
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';

const [endpoint, bucket, accessKey, secretKey, region = 'us-east-1'] = process.argv.slice(2);
if (!endpoint || !bucket || !accessKey || !secretKey) {
  console.error('usage: mkbucket.mjs ENDPOINT BUCKET ACCESS_KEY SECRET_KEY [REGION]');
  process.exit(2);
}
const url = new URL(`/${bucket}`, endpoint);
const sha = (s) => createHash('sha256').update(s).digest('hex');
const hmac = (key, s) => createHmac('sha256', key).update(s).digest();
const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const day = amzDate.slice(0, 8);
const payloadHash = sha('');
const headers = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
const signed = Object.keys(headers).sort();
const canonical = ['PUT', url.pathname, '', ...signed.map((h) => `${h}:${headers[h]}`), '', signed.join(';'), payloadHash].join('\n');
const scope = `${day}/${region}/s3/aws4_request`;
const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha(canonical)].join('\n');
const key = ['s3', 'aws4_request'].reduce((k, part) => hmac(k, part), hmac(hmac(`AWS4${secretKey}`, day), region));
const signature = createHmac('sha256', key).update(toSign).digest('hex');
headers.authorization = `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;

const req = http.request(url, { method: 'PUT', headers: { ...headers, 'content-length': 0 } }, (res) => {
  let body = '';
  res.on('data', (c) => (body += c));
  res.on('end', () => {
    if (res.statusCode === 200 || /BucketAlreadyOwnedByYou/.test(body)) {
      console.log(`bucket ${bucket} ready`);
      process.exit(0);
    }
    console.error(`creating bucket ${bucket} failed: HTTP ${res.statusCode} ${body}`);
    process.exit(1);
  });
});
req.on('error', (e) => {
  console.error(`creating bucket ${bucket} failed: ${e.message}`);
  process.exit(1);
});
req.end();
