// In-memory model of what a W&B deployment stores, one isolated world per tenant (API key),
// so parallel test files can share one server without seeing each other's runs.
import { createHash, randomBytes } from 'node:crypto';

/** An error a resolver raises; `code` picks the HTTP status (see http.mjs) and extensions.code. */
export class ApiError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** W&B ids are base64 of `Type:number` (relay style). */
export function relayId(type, n) {
  return Buffer.from(`${type}:${n}`).toString('base64');
}

export function b64md5(bytes) {
  return createHash('md5').update(bytes).digest('base64');
}

/** The artifact digest W&B clients compute for MANIFEST_MD5 (sorted `path:digest` lines). */
export function manifestDigest(contents) {
  const hash = createHash('md5').update('wandb-artifact-manifest-v1\n');
  for (const path of Object.keys(contents).sort()) hash.update(`${path}:${contents[path].digest}\n`);
  return hash.digest('hex');
}

const NAME_FORBIDDEN = /[/\\#?%:]/;

export function checkProjectName(name) {
  if (typeof name !== 'string' || name.length === 0 || name.length > 128 || NAME_FORBIDDEN.test(name)) {
    throw new ApiError('INVALID_INPUT', `invalid project name ${JSON.stringify(name)}: it must be 1-128 characters and may not contain / \\ # ? % :`);
  }
}

export function checkRunName(name) {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(name)) {
    throw new ApiError('INVALID_INPUT', `invalid run name ${JSON.stringify(name)}: run ids may only contain letters, numbers, '.', '_' and '-'`);
  }
}

export function checkArtifactName(name, what) {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(name)) {
    throw new ApiError('INVALID_INPUT', `invalid ${what} ${JSON.stringify(name)}: only letters, numbers, '.', '_' and '-' are allowed`);
  }
}

export function parseJsonObject(text, field) {
  if (text === undefined || text === null) return undefined;
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError('INVALID_INPUT', `${field} is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ApiError('INVALID_INPUT', `${field} must be a JSON object`);
  return value;
}

let tenantCounter = 0;

export class Tenant {
  constructor(entity) {
    tenantCounter += 1;
    this.apiKey = randomBytes(20).toString('hex'); // 40 characters, like a W&B key
    this.entity = entity ?? `aero-test-${tenantCounter}-${randomBytes(3).toString('hex')}`;
    this.team = `${this.entity}-team`;
    this.userId = relayId('User', tenantCounter);
    this.requests = [];
    this.faults = [];
    this.projects = new Map();
    this.artifacts = new Map();
    this.uses = [];
    this.slots = new Map(); // upload token -> slot
    this.blobs = new Map(); // b64 md5 -> { size } of content the storage already holds
    this.counter = 0;
  }

  nextId(type) {
    this.counter += 1;
    return relayId(type, this.counter);
  }

  canWrite(entity) {
    return entity === this.entity || entity === this.team;
  }

  requireEntity(entity) {
    const name = entity || this.entity;
    if (!this.canWrite(name)) throw new ApiError('PERMISSION_ERROR', `permission denied: you are not a member of entity ${JSON.stringify(name)}`);
    return name;
  }

  project(entity, name, create) {
    const key = `${entity}/${name}`;
    let project = this.projects.get(key);
    if (!project && create) {
      checkProjectName(name);
      project = { id: this.nextId('Project'), entity, name, runs: new Map(), types: new Map(), collections: new Map() };
      this.projects.set(key, project);
    }
    return project;
  }

  requireProject(entity, name) {
    const project = this.project(entity, name, false);
    if (!project) throw new ApiError('NOT_FOUND', `project ${entity}/${name} not found`);
    return project;
  }

  requireRun(entity, projectName, runName) {
    const run = this.requireProject(entity, projectName).runs.get(runName);
    if (!run) throw new ApiError('NOT_FOUND', `run ${entity}/${projectName}/${runName} not found`);
    return run;
  }

  requireArtifact(id) {
    const artifact = this.artifacts.get(id);
    if (!artifact) throw new ApiError('NOT_FOUND', `artifact ${id} not found`);
    return artifact;
  }

  newSlot(kind, info) {
    const token = randomBytes(16).toString('hex');
    const slot = { token, kind, uploaded: false, size: 0, md5: null, bytes: null, ...info };
    this.slots.set(token, slot);
    return slot;
  }

  /** Everything recorded, as plain JSON, for tests to assert on. */
  snapshot() {
    const runs = [];
    for (const project of this.projects.values()) {
      for (const run of project.runs.values()) {
        runs.push({
          entity: project.entity,
          project: project.name,
          name: run.name,
          id: run.id,
          displayName: run.displayName,
          group: run.group,
          jobType: run.jobType,
          notes: run.notes,
          description: run.description,
          commit: run.commit,
          host: run.host,
          sweep: run.sweep,
          state: run.state,
          tags: run.tags,
          config: run.config,
          summary: run.summary,
          history: run.history.map((line) => (line === undefined ? null : JSON.parse(line))),
          historyHoles: run.history.reduce((n, line) => n + (line === undefined ? 1 : 0), 0),
          historyWrites: run.historyWrites,
          events: run.events.length,
          console: run.console.filter((line) => line !== undefined),
          complete: run.complete,
          exitcode: run.exitcode,
          upserts: run.upserts,
        });
      }
    }
    const artifacts = [...this.artifacts.values()].map((a) => ({
      id: a.id,
      entity: a.entity,
      project: a.project,
      type: a.type,
      collection: a.collection,
      digest: a.digest,
      state: a.state,
      versionIndex: a.versionIndex,
      aliases: a.aliases,
      description: a.description,
      metadata: a.metadata,
      createdBy: a.createdBy,
      loggedBy: a.loggedBy,
      manifest: a.manifest?.json ?? null,
      files: [...a.files.values()].map((f) => ({ name: f.name, md5: f.md5, size: f.size, uploaded: f.uploaded, storagePath: f.storagePath, deduplicated: f.deduplicated })),
    }));
    return {
      entity: this.entity,
      team: this.team,
      runs,
      artifacts,
      uses: this.uses,
      requests: this.requests,
      faults: this.faults,
    };
  }
}

export class World {
  constructor() {
    this.tenants = new Map();
    this.anonymous = [];
    this.seq = 0;
  }

  createTenant(entity) {
    const tenant = new Tenant(entity);
    this.tenants.set(tenant.apiKey, tenant);
    return tenant;
  }

  /** The tenant an `Authorization` header names, or undefined (W&B: Basic base64("api:<key>")). */
  authenticate(header) {
    if (typeof header !== 'string') return undefined;
    const match = /^Basic\s+(\S+)$/i.exec(header.trim());
    if (match) {
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return undefined;
      return this.tenants.get(decoded.slice(colon + 1));
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(header.trim());
    return bearer ? this.tenants.get(bearer[1]) : undefined;
  }

  tenantOfToken(token) {
    for (const tenant of this.tenants.values()) {
      const slot = tenant.slots.get(token);
      if (slot) return { tenant, slot };
    }
    return undefined;
  }
}
