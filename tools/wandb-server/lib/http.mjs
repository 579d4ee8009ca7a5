// HTTP front of the local W&B protocol server: /graphql, /files/<entity>/<project>/<run>/file_stream,
// signed-URL style uploads under /storage/<token>, and a test control API under /_test/.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiError, World } from './state.mjs';
import { rootValue, storeUpload } from './resolvers.mjs';

const MAX_API_BODY = 10 * 1024 * 1024;
const MAX_UPLOAD = 512 * 1024 * 1024;

/** GraphQL error code -> HTTP status, as the service answers (the Go client treats 404 as "not found"). */
const STATUS_OF_CODE = { UNAUTHENTICATED: 401, PERMISSION_ERROR: 403, NOT_FOUND: 404, CONFLICT: 409, INVALID_INPUT: 400 };

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function xmlError(code, message) {
  return `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(Object.assign(new Error('body too large'), { tooLarge: true }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Finds the fault rule (if any) that applies to this request and consumes one use of it. */
function takeFault(tenant, target, operations) {
  for (const rule of tenant.faults) {
    if (rule.target !== '*' && rule.target !== target) continue;
    if (rule.operation && !operations.includes(rule.operation)) continue;
    if (rule.remaining <= 0) continue;
    if (rule.skipped < (rule.skip ?? 0)) {
      rule.skipped += 1;
      continue;
    }
    rule.remaining -= 1;
    rule.applied += 1;
    return rule;
  }
  return undefined;
}

function faultBody(rule) {
  if (rule.body !== undefined) return rule.body;
  if (rule.status === 429) return { errors: [{ message: 'rate limit exceeded, please retry later', extensions: { code: 'RATE_LIMITED' } }] };
  if (rule.status === 502 || rule.status === 503 || rule.status === 504) return `<html><body><h1>${rule.status} Service Unavailable</h1>The server is temporarily unable to service your request.</body></html>`;
  return { errors: [{ message: 'An internal error occurred. Please contact support.', extensions: { code: 'INTERNAL' } }] };
}

function applyFault(res, rule) {
  if (rule.action === 'drop') {
    res.socket?.destroy();
    return;
  }
  const headers = rule.retryAfter !== undefined ? { 'retry-after': String(rule.retryAfter) } : {};
  send(res, rule.status ?? 500, faultBody(rule), headers);
}

export async function startServer({ port = 0, host = '127.0.0.1', graphql }) {
  const { buildSchema, parse, validate, execute, GraphQLError, specifiedRules } = graphql;
  const sdl = readFileSync(fileURLToPath(new URL('./schema.graphql', import.meta.url)), 'utf8');
  const schema = buildSchema(sdl);
  const world = new World();
  let baseUrl = '';

  function record(tenant, entry) {
    world.seq += 1;
    const item = { seq: world.seq, at: new Date().toISOString(), ...entry };
    (tenant ? tenant.requests : world.anonymous).push(item);
    return item;
  }

  async function handleGraphql(req, res) {
    if (req.method !== 'POST') return send(res, 405, { errors: [{ message: 'GraphQL requests must be POST' }] }, { allow: 'POST' });
    const body = await readBody(req, MAX_API_BODY);
    const tenant = world.authenticate(req.headers.authorization);
    let payload;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      record(tenant, { kind: 'graphql', status: 400, error: 'invalid JSON' });
      return send(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    }
    if (payload === null || typeof payload !== 'object' || typeof payload.query !== 'string') {
      record(tenant, { kind: 'graphql', status: 400, error: 'no query' });
      return send(res, 400, { errors: [{ message: 'request body must be a JSON object with a `query` string', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    }
    if (!tenant) {
      record(undefined, { kind: 'graphql', status: 401, operationName: payload.operationName ?? null });
      return send(res, 401, { errors: [{ message: 'user is not logged in', extensions: { code: 'PERMISSION_ERROR' } }], data: null });
    }
    let document;
    try {
      document = parse(payload.query);
    } catch (error) {
      record(tenant, { kind: 'graphql', status: 422, operationName: payload.operationName ?? null, error: error.message });
      return send(res, 422, { errors: [{ message: error.message, locations: error.locations, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }], data: null });
    }
    const operationDefs = document.definitions.filter((d) => d.kind === 'OperationDefinition');
    const opDef = payload.operationName ? operationDefs.find((d) => d.name?.value === payload.operationName) : operationDefs[0];
    const operationName = opDef?.name?.value ?? null;
    const rootFields = opDef ? opDef.selectionSet.selections.filter((s) => s.kind === 'Field').map((s) => s.name.value) : [];
    const entry = record(tenant, { kind: 'graphql', operationName, operationType: opDef?.operation ?? null, rootFields, variables: payload.variables ?? {}, status: 0 });
    const fault = takeFault(tenant, 'graphql', [operationName, ...rootFields].filter(Boolean));
    if (fault && fault.action !== 'drop-after') {
      entry.status = fault.action === 'drop' ? 'dropped' : fault.status ?? 500;
      entry.fault = fault.id;
      return applyFault(res, fault);
    }
    const errors = validate(schema, document, specifiedRules);
    if (errors.length > 0) {
      entry.status = 422;
      entry.error = errors.map((e) => e.message).join('; ');
      return send(res, 422, { errors: errors.map((e) => ({ message: e.message, locations: e.locations, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })), data: null });
    }
    const result = await execute({ schema, document, rootValue, contextValue: { tenant, baseUrl }, variableValues: payload.variables ?? {}, operationName: payload.operationName ?? undefined });
    let status = 200;
    const out = { data: result.data ?? null };
    if (result.errors && result.errors.length > 0) {
      out.errors = result.errors.map((e) => {
        const original = e.originalError;
        const code = original instanceof ApiError ? original.code : e instanceof GraphQLError && !original ? 'GRAPHQL_VALIDATION_FAILED' : 'INTERNAL';
        return { message: e.message, locations: e.locations, path: e.path, extensions: { code } };
      });
      const code = out.errors[0].extensions.code;
      status = STATUS_OF_CODE[code] ?? (code === 'GRAPHQL_VALIDATION_FAILED' ? 422 : 500);
    }
    entry.status = status;
    if (out.errors) entry.error = out.errors.map((e) => e.message).join('; ');
    if (fault) {
      entry.fault = fault.id;
      entry.status = 'dropped-after-processing';
      res.socket?.destroy();
      return;
    }
    return send(res, status, out);
  }

  async function handleFileStream(req, res, entity, project, runName) {
    if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
    const body = await readBody(req, MAX_API_BODY);
    const tenant = world.authenticate(req.headers.authorization);
    if (!tenant) {
      record(undefined, { kind: 'file_stream', path: req.url, status: 401 });
      return send(res, 401, { error: 'user is not logged in' });
    }
    let payload;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      record(tenant, { kind: 'file_stream', run: runName, status: 400, error: 'invalid JSON' });
      return send(res, 400, { error: 'request body is not valid JSON' });
    }
    const entry = record(tenant, { kind: 'file_stream', entity, project, run: runName, body: payload, status: 0 });
    const fault = takeFault(tenant, 'file_stream', []);
    if (fault && fault.action !== 'drop-after') {
      entry.status = fault.action === 'drop' ? 'dropped' : fault.status ?? 500;
      entry.fault = fault.id;
      return applyFault(res, fault);
    }
    const fail = (status, error) => {
      entry.status = status;
      entry.error = error;
      return send(res, status, { error });
    };
    if (!tenant.canWrite(entity)) return fail(403, `permission denied: you are not a member of entity ${JSON.stringify(entity)}`);
    const run = tenant.project(entity, project, false)?.runs.get(runName);
    if (!run) return fail(404, `run ${entity}/${project}/${runName} not found`);
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return fail(400, 'request body must be a JSON object');
    const files = payload.files ?? {};
    if (typeof files !== 'object' || files === null || Array.isArray(files)) return fail(400, '`files` must be an object');
    for (const [name, chunk] of Object.entries(files)) {
      if (!chunk || !Number.isInteger(chunk.offset) || chunk.offset < 0 || !Array.isArray(chunk.content) || chunk.content.some((l) => typeof l !== 'string')) {
        return fail(400, `files[${JSON.stringify(name)}] must be { offset: non-negative integer, content: string[] }`);
      }
      if (name === 'wandb-history.jsonl' || name === 'wandb-events.jsonl' || name === 'wandb-summary.json') {
        for (const line of chunk.content) {
          let parsed;
          try {
            parsed = JSON.parse(line);
          } catch {
            return fail(400, `files[${JSON.stringify(name)}] has a line that is not JSON`);
          }
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail(400, `files[${JSON.stringify(name)}] lines must be JSON objects`);
        }
      }
    }
    if (payload.exitcode !== undefined && payload.exitcode !== null && !Number.isInteger(payload.exitcode)) return fail(400, '`exitcode` must be an integer');
    for (const [name, chunk] of Object.entries(files)) {
      if (name === 'wandb-history.jsonl') {
        chunk.content.forEach((line, i) => {
          run.history[chunk.offset + i] = line;
        });
        run.historyWrites += chunk.content.length;
      } else if (name === 'wandb-events.jsonl') {
        chunk.content.forEach((line, i) => {
          run.events[chunk.offset + i] = line;
        });
      } else if (name === 'wandb-summary.json') {
        if (chunk.content.length > 0) run.summary = JSON.parse(chunk.content[chunk.content.length - 1]);
      } else if (name === 'output.log') {
        chunk.content.forEach((line, i) => {
          run.console[chunk.offset + i] = line;
        });
      }
    }
    if (payload.complete === true) {
      run.complete = true;
      run.exitcode = payload.exitcode ?? 0;
      run.state = run.exitcode === 0 ? 'finished' : 'failed';
    }
    entry.status = 200;
    if (fault) {
      entry.fault = fault.id;
      entry.status = 'dropped-after-processing';
      res.socket?.destroy();
      return;
    }
    return send(res, 200, { exitcode: null, limits: {} });
  }

  async function handleStorage(req, res, token) {
    const found = world.tenantOfToken(token);
    if (req.method === 'GET') {
      if (!found || !found.slot.uploaded) return send(res, 404, xmlError('NoSuchKey', 'The specified key does not exist.'), { 'content-type': 'application/xml' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.slot.bytes.length });
      return res.end(found.slot.bytes);
    }
    if (req.method !== 'PUT') return send(res, 405, xmlError('MethodNotAllowed', 'Use PUT.'));
    const bytes = await readBody(req, MAX_UPLOAD);
    if (!found) {
      record(undefined, { kind: 'storage', token, status: 403 });
      return send(res, 403, xmlError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'), { 'content-type': 'application/xml' });
    }
    const { tenant, slot } = found;
    const entry = record(tenant, { kind: 'storage', slot: slot.kind, artifactId: slot.artifactId ?? null, name: slot.name ?? null, size: bytes.length, status: 0 });
    const fault = takeFault(tenant, 'storage', [slot.kind]);
    if (fault && fault.action !== 'drop-after') {
      entry.status = fault.action === 'drop' ? 'dropped' : fault.status ?? 500;
      entry.fault = fault.id;
      if (fault.action === 'drop') return res.socket?.destroy();
      return send(res, fault.status ?? 500, xmlError('InternalError', 'We encountered an internal error. Please try again.'), { 'content-type': 'application/xml', ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}) });
    }
    const result = storeUpload(tenant, slot, bytes, req.headers['content-md5']);
    entry.status = result.status;
    if (fault) {
      entry.fault = fault.id;
      entry.status = 'dropped-after-processing';
      return res.socket?.destroy();
    }
    if (result.status !== 200) return send(res, result.status, xmlError(result.code, result.message), { 'content-type': 'application/xml' });
    res.writeHead(200, { etag: `"${Buffer.from(req.headers['content-md5'] ?? '', 'base64').toString('hex')}"`, 'content-length': 0 });
    return res.end();
  }

  async function handleControl(req, res, parts) {
    // /_test/health, /_test/tenants, /_test/tenants/<key>[/state|/faults]
    if (parts[0] === 'health') return send(res, 200, { ok: true, server: 'aero-wandb-protocol-server', tenants: world.tenants.size });
    if (parts[0] !== 'tenants') return send(res, 404, { error: 'unknown control endpoint' });
    if (parts.length === 1 && req.method === 'POST') {
      const body = await readBody(req, MAX_API_BODY);
      const options = body.length ? JSON.parse(body.toString('utf8')) : {};
      const tenant = world.createTenant(options.entity);
      // A user without a default entity (viewer.entity is null), to test clients that rely on it.
      if (options.noDefaultEntity) tenant.noDefaultEntity = true;
      return send(res, 201, { apiKey: tenant.apiKey, entity: tenant.entity, team: tenant.team });
    }
    const tenant = world.tenants.get(parts[1] ?? '');
    if (!tenant) return send(res, 404, { error: 'unknown tenant' });
    if (parts.length === 2 && req.method === 'DELETE') {
      world.tenants.delete(tenant.apiKey);
      return send(res, 204, '');
    }
    if (parts[2] === 'state' && req.method === 'GET') return send(res, 200, tenant.snapshot());
    if (parts[2] === 'faults') {
      if (req.method === 'GET') return send(res, 200, tenant.faults);
      if (req.method === 'PUT') {
        const body = JSON.parse((await readBody(req, MAX_API_BODY)).toString('utf8') || '{}');
        const rules = Array.isArray(body.rules) ? body.rules : [];
        tenant.faults = rules.map((rule, i) => ({
          id: rule.id ?? `fault-${i + 1}`,
          target: rule.target ?? '*',
          operation: rule.operation,
          action: rule.action ?? 'status',
          status: rule.status,
          retryAfter: rule.retryAfter,
          body: rule.body,
          skip: rule.skip ?? 0,
          skipped: 0,
          remaining: rule.times ?? 1,
          applied: 0,
        }));
        return send(res, 200, tenant.faults);
      }
    }
    return send(res, 404, { error: 'unknown control endpoint' });
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] === 'graphql' && parts.length === 1) return await handleGraphql(req, res);
      if (parts[0] === 'files' && parts.length === 5 && parts[4] === 'file_stream') return await handleFileStream(req, res, parts[1], parts[2], parts[3]);
      if (parts[0] === 'storage' && parts.length === 2) return await handleStorage(req, res, parts[1]);
      if (parts[0] === '_test') return await handleControl(req, res, parts.slice(1));
      return send(res, 404, '404 page not found');
    } catch (error) {
      if (error?.tooLarge) return send(res, 413, { errors: [{ message: 'request body too large' }] });
      if (!res.headersSent) send(res, 500, { errors: [{ message: `internal error: ${error?.message ?? error}` }] });
      else res.destroy();
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  baseUrl = `http://${host}:${address.port}`;
  return { server, world, baseUrl, port: address.port };
}
