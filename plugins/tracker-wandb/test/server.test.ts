// The local protocol server itself: it must accept what W&B's clients send and refuse
// malformed requests the way the service does (status codes, GraphQL error shape, bodies).
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { newTenant, serverState, setFaults, type TestTenant } from './helpers.js';

let t: TestTenant;
const auth = () => `Basic ${Buffer.from(`api:${t.apiKey}`).toString('base64')}`;
const gql = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = { authorization: auth() }) =>
  fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
const stream = (run: string, body: unknown, headers: Record<string, string> = { authorization: auth() }) =>
  fetch(`${t.baseUrl}/files/${t.entity}/proj/${run}/file_stream`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const md5 = (bytes: string) => createHash('md5').update(bytes).digest('base64');

const UPSERT = `mutation UpsertBucket($name: String, $project: String, $entity: String) {
  upsertBucket(input: { name: $name, modelName: $project, entityName: $entity }) { bucket { id name } inserted } }`;
const CREATE = `mutation CreateArtifact($entity: String!, $digest: String!, $run: String) {
  createArtifact(input: { entityName: $entity, projectName: "proj", artifactTypeName: "json", artifactCollectionName: "model", runName: $run, digest: $digest, digestAlgorithm: MANIFEST_MD5, enableDigestDeduplication: true, clientID: "c", sequenceClientID: "s" }) { artifact { id state } } }`;
const MANIFEST = `mutation CreateArtifactManifest($id: ID!, $digest: String!, $entity: String!) {
  createArtifactManifest(input: { artifactID: $id, name: "wandb_manifest.json", digest: $digest, entityName: $entity, projectName: "proj", runName: "run-1", type: FULL }) { artifactManifest { id file { uploadUrl uploadHeaders } } } }`;
const FILES = `mutation CreateArtifactFiles($input: CreateArtifactFilesInput!) {
  createArtifactFiles(input: $input) { files { edges { node { uploadUrl uploadHeaders storagePath } } } } }`;
const COMMIT = `mutation CommitArtifact($id: ID!) { commitArtifact(input: { artifactID: $id }) { artifact { id digest state versionIndex aliases { alias } } } }`;

beforeAll(async () => {
  t = await newTenant();
  expect((await gql(UPSERT, { name: 'run-1', project: 'proj', entity: t.entity })).status).toBe(200);
});

describe('W&B protocol server: auth and GraphQL errors', () => {
  it('answers 401 "user is not logged in" without or with a wrong Basic api:<key> header', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: `Basic ${Buffer.from('api:nope').toString('base64')}` }, { authorization: `Bearer ${'0'.repeat(40)}` }]) {
      const response = await gql('query Viewer { viewer { id } }', {}, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: [{ message: 'user is not logged in', extensions: { code: 'PERMISSION_ERROR' } }], data: null });
    }
    const fs = await stream('run-1', { files: {} }, {});
    expect(fs.status).toBe(401);
    expect(await fs.json()).toEqual({ error: 'user is not logged in' });
  });

  it('validates documents against the schema (unknown fields, missing required variables)', async () => {
    const unknown = await gql('query Viewer { viewer { id nickname } }');
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toEqual({
      errors: [{ message: 'Cannot query field "nickname" on type "User". Did you mean "username"?', locations: [{ line: 1, column: 28 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
      data: null,
    });
    const missing = await gql(CREATE, { entity: t.entity });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe('Variable "$digest" of required type "String!" was not provided.');
    const syntax = await gql('mutation { upsertBucket(input: {name: "x"}) { bucket { id }');
    expect(syntax.status).toBe(422);
    expect(((await syntax.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const notJson = await fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { authorization: auth() }, body: '{query' });
    expect(notJson.status).toBe(400);
  });

  it('maps resolver errors to HTTP statuses with the GraphQL error shape', async () => {
    const foreign = await gql(UPSERT, { name: 'r', project: 'proj', entity: 'someone-else' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({
      data: { upsertBucket: null },
      errors: [{ message: 'permission denied: you are not a member of entity "someone-else"', locations: [{ line: 2, column: 3 }], path: ['upsertBucket'], extensions: { code: 'PERMISSION_ERROR' } }],
    });
    const badName = await gql(UPSERT, { name: 'a/b', project: 'proj', entity: t.entity });
    expect(badName.status).toBe(400);
    const use = await gql('mutation UseArtifact($input: UseArtifactInput!) { useArtifact(input: $input) { artifact { id } } }', { input: { entityName: t.entity, projectName: 'proj', runName: 'run-1', artifactID: 'QXJ0aWZhY3Q6OTk5' } });
    expect(use.status).toBe(404);
    expect(((await use.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe('artifact QXJ0aWZhY3Q6OTk5 not found');
  });
});

describe('W&B protocol server: file_stream', () => {
  it('writes history lines at their offsets (a resend overwrites, never duplicates)', async () => {
    expect((await stream('run-1', { files: { 'wandb-history.jsonl': { offset: 0, content: ['{"_step":0,"a":1}', '{"_step":1,"a":2}'] } } })).status).toBe(200);
    const resend = await stream('run-1', { files: { 'wandb-history.jsonl': { offset: 1, content: ['{"_step":1,"a":2}', '{"_step":2,"a":3}'] } } });
    expect(resend.status).toBe(200);
    expect(await resend.json()).toEqual({ exitcode: null, limits: {} });
    await stream('run-1', { files: { 'wandb-summary.json': { offset: 0, content: ['{"a":3}'] } }, complete: true, exitcode: 1 });
    const run = (await serverState(t)).runs.find((r) => r.name === 'run-1')!;
    expect(run.history).toEqual([{ _step: 0, a: 1 }, { _step: 1, a: 2 }, { _step: 2, a: 3 }]);
    expect(run).toMatchObject({ summary: { a: 3 }, complete: true, exitcode: 1, state: 'failed', historyWrites: 4 });
  });

  it('refuses malformed bodies and unknown runs', async () => {
    const notJson = await stream('run-1', '{files');
    expect([notJson.status, await notJson.json()]).toEqual([400, { error: 'request body is not valid JSON' }]);
    const badChunk = await stream('run-1', { files: { 'wandb-history.jsonl': { offset: -1, content: ['{}'] } } });
    expect([badChunk.status, await badChunk.json()]).toEqual([400, { error: 'files["wandb-history.jsonl"] must be { offset: non-negative integer, content: string[] }' }]);
    const badLine = await stream('run-1', { files: { 'wandb-history.jsonl': { offset: 0, content: ['[1,2]'] } } });
    expect(badLine.status).toBe(400);
    const unknown = await stream('no-such-run', { files: {} });
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: `run ${t.entity}/proj/no-such-run not found` }]);
  });
});

describe('W&B protocol server: artifacts', () => {
  const content = '{"w":[1,2]}';
  const entryDigest = md5(content);
  const digest = createHash('md5').update(`wandb-artifact-manifest-v1\nmodel.json:${entryDigest}\n`).digest('hex');
  const manifest = JSON.stringify({ version: 1, storagePolicy: 'wandb-storage-policy-v1', storagePolicyConfig: { storageLayout: 'V2' }, contents: { 'model.json': { digest: entryDigest, size: content.length } } });

  it('creates, uploads (checking Content-MD5), commits and deduplicates by digest', async () => {
    const created = (await (await gql(CREATE, { entity: t.entity, digest, run: 'run-1' })).json()) as { data: { createArtifact: { artifact: { id: string; state: string } } } };
    const { id, state } = created.data.createArtifact.artifact;
    expect(state).toBe('PENDING');
    const early = await gql(COMMIT, { id });
    expect(early.status).toBe(400);
    expect(((await early.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe(`artifact ${id} has no uploaded manifest; upload wandb_manifest.json before committing`);

    const m = (await (await gql(MANIFEST, { id, digest: md5(manifest), entity: t.entity })).json()) as { data: { createArtifactManifest: { artifactManifest: { id: string; file: { uploadUrl: string; uploadHeaders: string[] } } } } };
    const manifestFile = m.data.createArtifactManifest.artifactManifest;
    const files = (await (await gql(FILES, { input: { storageLayout: 'V2', artifactFiles: [{ artifactID: id, name: 'model.json', md5: entryDigest, artifactManifestID: manifestFile.id }] } })).json()) as { data: { createArtifactFiles: { files: { edges: { node: { uploadUrl: string; uploadHeaders: string[] } }[] } } } };
    const node = files.data.createArtifactFiles.files.edges[0]!.node;
    expect(node.uploadHeaders).toEqual([`Content-MD5:${entryDigest}`, 'Content-Type:application/octet-stream']);
    const noMd5 = await fetch(node.uploadUrl, { method: 'PUT', body: content });
    expect(noMd5.status).toBe(403);
    expect(await noMd5.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const wrong = await fetch(node.uploadUrl, { method: 'PUT', body: 'tampered', headers: { 'content-md5': entryDigest } });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('<Code>BadDigest</Code>');
    expect((await fetch(node.uploadUrl, { method: 'PUT', body: content, headers: { 'content-md5': entryDigest } })).status).toBe(200);
    expect((await fetch(manifestFile.file.uploadUrl, { method: 'PUT', body: manifest, headers: { 'content-md5': md5(manifest) } })).status).toBe(200);
    const commit = (await (await gql(COMMIT, { id })).json()) as { data: { commitArtifact: { artifact: { state: string; versionIndex: number; aliases: { alias: string }[] } } } };
    expect(commit.data.commitArtifact.artifact).toMatchObject({ state: 'COMMITTED', versionIndex: 0, aliases: [{ alias: 'latest' }, { alias: 'v0' }] });

    const again = (await (await gql(CREATE, { entity: t.entity, digest, run: null })).json()) as { data: { createArtifact: { artifact: { id: string; state: string } } } };
    expect(again.data.createArtifact.artifact).toEqual({ id, state: 'COMMITTED' });
  });

  it('refuses a commit whose manifest does not match the artifact digest', async () => {
    const other = createHash('md5').update('x').digest('hex');
    const created = (await (await gql(CREATE, { entity: t.entity, digest: other, run: 'run-1' })).json()) as { data: { createArtifact: { artifact: { id: string } } } };
    const id = created.data.createArtifact.artifact.id;
    const m = (await (await gql(MANIFEST, { id, digest: md5(manifest), entity: t.entity })).json()) as { data: { createArtifactManifest: { artifactManifest: { file: { uploadUrl: string } } } } };
    await fetch(m.data.createArtifactManifest.artifactManifest.file.uploadUrl, { method: 'PUT', body: manifest, headers: { 'content-md5': md5(manifest) } });
    const commit = await gql(COMMIT, { id });
    expect(commit.status).toBe(400);
    expect(((await commit.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe(`artifact digest ${other} does not match its manifest (computed ${digest})`);
  });
});

describe('W&B protocol server: injected faults', () => {
  it('answers 429 with Retry-After, drops connections, and drops responses after processing', async () => {
    const f = await newTenant();
    const fauth = { authorization: `Basic ${Buffer.from(`api:${f.apiKey}`).toString('base64')}` };
    await setFaults(f, [
      { target: 'graphql', operation: 'Viewer', status: 429, retryAfter: 3, times: 1 },
      { target: 'graphql', operation: 'Viewer', action: 'drop', times: 1 },
      { target: 'graphql', operation: 'UpsertBucket', action: 'drop-after', times: 1 },
    ]);
    const call = (query: string, variables = {}) => fetch(`${f.baseUrl}/graphql`, { method: 'POST', headers: fauth, body: JSON.stringify({ query, variables }) });
    const limited = await call('query Viewer { viewer { id } }');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    await expect(call('query Viewer { viewer { id } }')).rejects.toThrow();
    await expect(call(UPSERT, { name: 'r', project: 'p', entity: f.entity })).rejects.toThrow();
    expect((await call('query Viewer { viewer { entity } }')).status).toBe(200);
    const state = await serverState(f);
    expect(state.runs.map((r) => r.name)).toEqual(['r']);
    expect(state.requests.map((r) => r.status)).toEqual([429, 'dropped', 'dropped-after-processing', 200]);
  });
});
