// Resolvers of the operations in schema.graphql: what the service does with each mutation.
// Semantics follow W&B's public clients: upsertBucket creates or updates a run (the
// project is created on first use); createArtifact deduplicates by digest within the
// collection (clients send enableDigestDeduplication: true) and returns COMMITTED when
// the content already exists; files whose content the storage already holds get no
// upload URL; commitArtifact checks the uploaded manifest against the artifact digest.
import { ApiError, b64md5, checkArtifactName, checkRunName, manifestDigest, parseJsonObject } from './state.mjs';

const SERVER_VERSION = '0.63.0-aero-test';

function renderEntity(tenant, name) {
  return { id: Buffer.from(`Entity:${name}`).toString('base64'), name };
}

function renderProject(ctx, project) {
  return {
    id: project.id,
    name: project.name,
    entityName: project.entity,
    entity: renderEntity(ctx.tenant, project.entity),
    run: ({ name }) => {
      const run = project.runs.get(name);
      return run ? renderRun(ctx, project, run) : null;
    },
    bucket: ({ name }) => {
      const run = project.runs.get(name);
      return run ? renderRun(ctx, project, run) : null;
    },
  };
}

function renderRun(ctx, project, run) {
  return {
    id: run.id,
    name: run.name,
    displayName: run.displayName,
    description: run.description,
    notes: run.notes,
    group: run.group,
    jobType: run.jobType,
    config: JSON.stringify(run.configRaw ?? {}),
    summaryMetrics: JSON.stringify(run.summary),
    tags: run.tags,
    state: run.state,
    sweepName: run.sweep,
    historyLineCount: run.history.length,
    project: () => renderProject(ctx, project),
    files: ({ names }) => {
      const edges = (names ?? []).filter((n) => typeof n === 'string').map((name) => {
        const slot = ctx.tenant.newSlot('run-file', { run: run.name, name });
        return { node: { id: ctx.tenant.nextId('File'), name, url: () => `${ctx.baseUrl}/storage/${slot.token}`, uploadUrl: `${ctx.baseUrl}/storage/${slot.token}`, uploadHeaders: [], updatedAt: new Date().toISOString(), directUrl: null, storagePath: null, uploadMultipartUrls: null, artifact: null } };
      });
      return { uploadHeaders: [], edges };
    },
  };
}

function renderArtifact(ctx, artifact) {
  const project = ctx.tenant.project(artifact.entity, artifact.project, false);
  const collection = project?.collections.get(artifact.collection);
  return {
    id: artifact.id,
    digest: artifact.digest,
    state: artifact.state,
    description: artifact.description,
    metadata: JSON.stringify(artifact.metadata ?? {}),
    versionIndex: artifact.versionIndex,
    commitHash: artifact.state === 'COMMITTED' ? artifact.digest.slice(0, 20) : null,
    aliases: artifact.aliases.map((alias) => ({ alias, artifactCollectionName: artifact.collection })),
    artifactType: { id: project?.types.get(artifact.type)?.id ?? '', name: artifact.type },
    artifactSequence: {
      id: collection?.id ?? '',
      name: artifact.collection,
      latestArtifact: () => {
        const latest = collection ? [...collection.versions].reverse().map((id) => ctx.tenant.artifacts.get(id)).find((a) => a && a.state === 'COMMITTED' && a.id !== artifact.id) : undefined;
        return latest ? renderArtifact(ctx, latest) : null;
      },
    },
  };
}

function requireInput(input, fields) {
  for (const field of fields) {
    if (input[field] === undefined || input[field] === null || input[field] === '') throw new ApiError('INVALID_INPUT', `${field} is required`);
  }
}

export const rootValue = {
  viewer(_args, ctx) {
    const t = ctx.tenant;
    return {
      id: t.userId,
      entity: t.noDefaultEntity ? null : t.entity,
      username: t.entity,
      email: `${t.entity}@example.test`,
      flags: '{}',
      teams: { edges: [{ node: renderEntity(t, t.team) }] },
    };
  },

  serverInfo() {
    return {
      cliVersionInfo: { max_cli_version: '0.99.0' },
      latestLocalVersionInfo: { outOfDate: false, latestVersionString: SERVER_VERSION, versionOnThisInstanceString: SERVER_VERSION },
      features: [
        { name: 'ARTIFACT_TAGS', isEnabled: false },
        { name: 'USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION', isEnabled: true },
      ],
    };
  },

  project({ name, entityName }, ctx) {
    const entity = entityName || ctx.tenant.entity;
    if (!ctx.tenant.canWrite(entity)) throw new ApiError('PERMISSION_ERROR', `permission denied: you are not a member of entity ${JSON.stringify(entity)}`);
    const project = ctx.tenant.project(entity, name, false);
    return project ? renderProject(ctx, project) : null;
  },

  model(args, ctx) {
    return rootValue.project(args, ctx);
  },

  upsertBucket({ input }, ctx) {
    const t = ctx.tenant;
    if (!input.entityName && t.noDefaultEntity) throw new ApiError('INVALID_INPUT', 'entityName is required: this user has no default entity');
    const entity = t.requireEntity(input.entityName);
    const projectName = input.modelName || 'uncategorized';
    let project;
    let run;
    if (input.id) {
      for (const p of t.projects.values()) for (const r of p.runs.values()) if (r.id === input.id) { project = p; run = r; }
      if (!run) throw new ApiError('NOT_FOUND', `run with id ${input.id} not found`);
    } else {
      checkRunName(input.name);
      project = t.project(entity, projectName, true);
      run = project.runs.get(input.name);
    }
    const config = parseJsonObject(input.config, 'config');
    const summary = parseJsonObject(input.summaryMetrics, 'summaryMetrics');
    if (input.tags) for (const tag of input.tags) if (tag.length === 0 || tag.length > 64) throw new ApiError('INVALID_INPUT', `invalid tag ${JSON.stringify(tag)}: tags must be 1-64 characters`);
    const inserted = !run;
    if (!run) {
      run = { id: t.nextId('Run'), name: input.name, displayName: input.displayName ?? input.name, description: null, notes: null, group: null, jobType: null, configRaw: {}, config: {}, summary: {}, tags: [], state: 'running', sweep: null, commit: null, host: null, history: [], historyWrites: 0, events: [], console: [], complete: false, exitcode: null, upserts: 0 };
      project.runs.set(input.name, run);
    }
    run.upserts += 1;
    const set = (field, key = field) => {
      if (input[key] !== undefined && input[key] !== null) run[field] = input[key];
    };
    set('displayName');
    set('description');
    set('notes');
    set('group', 'groupName');
    set('jobType');
    set('commit');
    set('host');
    set('state');
    set('sweep');
    if (input.tags) run.tags = [...input.tags];
    if (config) {
      run.configRaw = config;
      // Config values arrive wrapped as { value, desc } (Python and Go clients); keep the values.
      run.config = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v !== null && typeof v === 'object' && 'value' in v ? v.value : v]));
    }
    if (summary) run.summary = { ...run.summary, ...summary };
    return { bucket: renderRun(ctx, project, run), inserted };
  },

  createArtifact({ input }, ctx) {
    const t = ctx.tenant;
    requireInput(input, ['artifactTypeName', 'entityName', 'projectName', 'digest']);
    const entity = t.requireEntity(input.entityName);
    const collectionName = input.artifactCollectionName ?? input.artifactCollectionNames?.[0];
    if (!collectionName) throw new ApiError('INVALID_INPUT', 'artifactCollectionName is required');
    checkArtifactName(collectionName, 'artifact name');
    checkArtifactName(input.artifactTypeName, 'artifact type');
    if (input.digestAlgorithm && input.digestAlgorithm !== 'MANIFEST_MD5') throw new ApiError('INVALID_INPUT', `digest algorithm ${input.digestAlgorithm} is not enabled on this server`);
    if (!/^[0-9a-f]{32}$/.test(input.digest)) throw new ApiError('INVALID_INPUT', `digest ${JSON.stringify(input.digest)} is not a hex MD5 manifest digest`);
    const metadata = parseJsonObject(input.metadata, 'metadata');
    const project = t.project(entity, input.projectName, true);
    if (input.runName) checkRunName(input.runName);
    if (input.runName && !project.runs.has(input.runName)) throw new ApiError('NOT_FOUND', `run ${entity}/${input.projectName}/${input.runName} not found`);
    let type = project.types.get(input.artifactTypeName);
    let collection = project.collections.get(collectionName);
    if (collection && collection.type !== input.artifactTypeName) {
      throw new ApiError('CONFLICT', `artifact collection ${JSON.stringify(collectionName)} already exists with type ${JSON.stringify(collection.type)}, not ${JSON.stringify(input.artifactTypeName)}`);
    }
    if (!type) {
      type = { id: t.nextId('ArtifactType'), name: input.artifactTypeName };
      project.types.set(type.name, type);
    }
    if (!collection) {
      collection = { id: t.nextId('ArtifactSequence'), name: collectionName, type: type.name, versions: [] };
      project.collections.set(collectionName, collection);
    }
    if (input.enableDigestDeduplication !== false) {
      const existing = collection.versions.map((id) => t.artifacts.get(id)).find((a) => a && a.digest === input.digest && a.state !== 'DELETED');
      if (existing) {
        if (input.runName && existing.createdBy !== input.runName && !existing.loggedBy.includes(input.runName)) existing.loggedBy.push(input.runName);
        return { artifact: renderArtifact(ctx, existing) };
      }
    }
    const artifact = {
      id: t.nextId('Artifact'),
      entity,
      project: project.name,
      type: type.name,
      collection: collectionName,
      digest: input.digest,
      state: 'PENDING',
      description: input.description ?? null,
      metadata: metadata ?? {},
      requestedAliases: (input.aliases ?? []).map((a) => a.alias),
      aliases: [],
      createdBy: input.runName ?? null,
      loggedBy: input.runName ? [input.runName] : [],
      versionIndex: null,
      clientID: input.clientID ?? null,
      manifest: null,
      files: new Map(),
    };
    for (const alias of artifact.requestedAliases) checkArtifactName(alias, 'alias');
    t.artifacts.set(artifact.id, artifact);
    collection.versions.push(artifact.id);
    return { artifact: renderArtifact(ctx, artifact) };
  },

  createArtifactManifest({ input }, ctx) {
    const t = ctx.tenant;
    const artifact = t.requireArtifact(input.artifactID);
    t.requireEntity(input.entityName);
    if (input.projectName !== artifact.project) throw new ApiError('INVALID_INPUT', `artifact ${artifact.id} is in project ${artifact.project}, not ${input.projectName}`);
    if (input.runName) t.requireRun(input.entityName, input.projectName, input.runName);
    if (artifact.state === 'COMMITTED') throw new ApiError('CONFLICT', `artifact ${artifact.id} is already committed; its manifest cannot change`);
    if (input.name !== 'wandb_manifest.json' && (input.type ?? 'FULL') === 'FULL') throw new ApiError('INVALID_INPUT', `a FULL manifest must be named wandb_manifest.json, got ${JSON.stringify(input.name)}`);
    if (!artifact.manifest) {
      artifact.manifest = { id: t.nextId('ArtifactManifest'), type: input.type ?? 'FULL', slot: null, json: null, digest: '' };
    }
    artifact.manifest.digest = input.digest ?? '';
    const slot = t.newSlot('manifest', { artifactId: artifact.id, md5: input.digest || null });
    artifact.manifest.slot = slot.token;
    const headers = input.digest ? [`Content-MD5:${input.digest}`] : [];
    return {
      artifactManifest: {
        id: artifact.manifest.id,
        type: artifact.manifest.type,
        file: { id: t.nextId('File'), name: input.name, uploadUrl: `${ctx.baseUrl}/storage/${slot.token}`, uploadHeaders: headers, url: () => `${ctx.baseUrl}/storage/${slot.token}`, directUrl: null, updatedAt: null, storagePath: null, uploadMultipartUrls: null, artifact: renderArtifact(ctx, artifact) },
      },
    };
  },

  createArtifactFiles({ input }, ctx) {
    const t = ctx.tenant;
    if (input.storageLayout !== 'V2') throw new ApiError('INVALID_INPUT', 'storage layout V1 is no longer supported; use V2');
    const edges = input.artifactFiles.map((spec) => {
      const artifact = t.requireArtifact(spec.artifactID);
      if (artifact.state === 'COMMITTED') throw new ApiError('CONFLICT', `artifact ${artifact.id} is already committed; files cannot be added`);
      if (!/^[A-Za-z0-9+/]{22}==$/.test(spec.md5)) throw new ApiError('INVALID_INPUT', `md5 of ${JSON.stringify(spec.name)} must be a base64 MD5 digest`);
      if (spec.name.startsWith('/') || spec.name.split('/').includes('..')) throw new ApiError('INVALID_INPUT', `invalid file name ${JSON.stringify(spec.name)}`);
      if (spec.uploadPartsInput && spec.uploadPartsInput.length > 0) throw new ApiError('INVALID_INPUT', 'multipart uploads are not supported by this server');
      const storagePath = `wandb_artifacts/${Buffer.from(spec.md5, 'base64').toString('hex')}`;
      const known = t.blobs.has(spec.md5);
      let file = artifact.files.get(spec.name);
      if (!file || file.md5 !== spec.md5) {
        file = { name: spec.name, md5: spec.md5, size: known ? t.blobs.get(spec.md5).size : 0, uploaded: known, deduplicated: known, storagePath, slot: null };
        artifact.files.set(spec.name, file);
      }
      let uploadUrl = null;
      let uploadHeaders = [];
      if (!file.uploaded) {
        const slot = t.newSlot('artifact-file', { artifactId: artifact.id, name: spec.name, md5: spec.md5 });
        file.slot = slot.token;
        uploadUrl = `${ctx.baseUrl}/storage/${slot.token}`;
        uploadHeaders = [`Content-MD5:${spec.md5}`, `Content-Type:${spec.mimetype || 'application/octet-stream'}`];
      }
      return { node: { id: t.nextId('File'), name: spec.name, storagePath, uploadUrl, uploadHeaders, uploadMultipartUrls: null, url: () => uploadUrl, directUrl: null, updatedAt: null, artifact: { id: artifact.id } } };
    });
    return { files: { uploadHeaders: [], edges } };
  },

  commitArtifact({ input }, ctx) {
    const t = ctx.tenant;
    const artifact = t.requireArtifact(input.artifactID);
    if (artifact.state === 'COMMITTED') return { artifact: renderArtifact(ctx, artifact) };
    if (!artifact.manifest || !artifact.manifest.json) throw new ApiError('INVALID_INPUT', `artifact ${artifact.id} has no uploaded manifest; upload wandb_manifest.json before committing`);
    const manifest = artifact.manifest.json;
    if (manifest.version !== 1 || typeof manifest.contents !== 'object' || manifest.contents === null) throw new ApiError('INVALID_INPUT', 'manifest must be version 1 with a contents object');
    for (const [path, entry] of Object.entries(manifest.contents)) {
      if (typeof entry?.digest !== 'string') throw new ApiError('INVALID_INPUT', `manifest entry ${JSON.stringify(path)} has no digest`);
      if (entry.ref) continue;
      const file = artifact.files.get(path);
      const known = t.blobs.has(entry.digest);
      if (!known && (!file || !file.uploaded)) throw new ApiError('INVALID_INPUT', `file ${JSON.stringify(path)} of artifact ${artifact.collection} was never uploaded`);
      if (file && file.md5 !== entry.digest) throw new ApiError('INVALID_INPUT', `file ${JSON.stringify(path)}: manifest digest ${entry.digest} differs from the uploaded content's MD5 ${file.md5}`);
    }
    const computed = manifestDigest(manifest.contents);
    if (computed !== artifact.digest) throw new ApiError('INVALID_INPUT', `artifact digest ${artifact.digest} does not match its manifest (computed ${computed})`);
    const project = t.requireProject(artifact.entity, artifact.project);
    const collection = project.collections.get(artifact.collection);
    const committed = collection.versions.map((id) => t.artifacts.get(id)).filter((a) => a && a.state === 'COMMITTED');
    artifact.state = 'COMMITTED';
    artifact.versionIndex = committed.length;
    const aliases = new Set(['latest', `v${artifact.versionIndex}`, ...artifact.requestedAliases]);
    for (const other of committed) other.aliases = other.aliases.filter((a) => !aliases.has(a));
    artifact.aliases = [...aliases];
    return { artifact: renderArtifact(ctx, artifact) };
  },

  addAliases({ input }, ctx) {
    const t = ctx.tenant;
    const artifact = t.requireArtifact(input.artifactID);
    if (artifact.state !== 'COMMITTED') throw new ApiError('INVALID_INPUT', `artifact ${artifact.id} is not committed yet; aliases name committed versions`);
    const collection = t.project(artifact.entity, artifact.project, false)?.collections.get(artifact.collection);
    for (const { alias, artifactCollectionName } of input.aliases) {
      checkArtifactName(alias, 'alias');
      if (artifactCollectionName !== artifact.collection) throw new ApiError('INVALID_INPUT', `artifact ${artifact.id} is in collection ${artifact.collection}, not ${artifactCollectionName}`);
      for (const id of collection?.versions ?? []) {
        const other = t.artifacts.get(id);
        if (other && other !== artifact) other.aliases = other.aliases.filter((a) => a !== alias);
      }
      if (!artifact.aliases.includes(alias)) artifact.aliases.push(alias);
    }
    return { success: true, clientMutationId: input.clientMutationId ?? null };
  },

  useArtifact({ input }, ctx) {
    const t = ctx.tenant;
    requireInput(input, ['entityName', 'projectName', 'runName', 'artifactID']);
    t.requireEntity(input.entityName);
    t.requireRun(input.entityName, input.projectName, input.runName);
    const artifact = t.requireArtifact(input.artifactID);
    if (artifact.state !== 'COMMITTED') throw new ApiError('INVALID_INPUT', `artifact ${artifact.id} is not committed yet and cannot be used`);
    const exists = t.uses.some((u) => u.entity === input.entityName && u.project === input.projectName && u.run === input.runName && u.artifactId === artifact.id);
    if (!exists) t.uses.push({ entity: input.entityName, project: input.projectName, run: input.runName, artifactId: artifact.id, usedAs: input.usedAs ?? null });
    return { artifact: renderArtifact(ctx, artifact) };
  },
};

/** Storage PUT of a slot: checks Content-MD5 the way signed-URL object stores do. */
export function storeUpload(tenant, slot, bytes, contentMd5) {
  const actual = b64md5(bytes);
  if (slot.md5) {
    if (!contentMd5) return { status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature requires a Content-MD5 header.' };
    if (contentMd5 !== slot.md5) return { status: 400, code: 'BadDigest', message: 'The Content-MD5 you specified did not match what was signed.' };
    if (actual !== contentMd5) return { status: 400, code: 'BadDigest', message: 'The Content-MD5 you specified did not match what we received.' };
  }
  slot.uploaded = true;
  slot.size = bytes.length;
  slot.bytes = bytes;
  tenant.blobs.set(actual, { size: bytes.length });
  if (slot.kind === 'manifest') {
    const artifact = tenant.artifacts.get(slot.artifactId);
    let json;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return { status: 400, code: 'InvalidManifest', message: 'wandb_manifest.json is not valid JSON.' };
    }
    if (artifact && artifact.manifest && artifact.manifest.slot === slot.token) artifact.manifest.json = json;
  } else if (slot.kind === 'artifact-file') {
    const artifact = tenant.artifacts.get(slot.artifactId);
    const file = artifact?.files.get(slot.name);
    if (file && file.slot === slot.token) {
      file.uploaded = true;
      file.size = bytes.length;
    }
  }
  return { status: 200 };
}
