// The GraphQL operations this plugin sends. Names and shapes follow the operations of
// W&B's public clients so the service sees the same requests it sees from them.

export const VIEWER = /* GraphQL */ `query Viewer {
  viewer { id entity username teams { edges { node { name } } } }
}`;

export const UPSERT_BUCKET = /* GraphQL */ `mutation UpsertBucket(
  $name: String, $project: String, $entity: String, $groupName: String, $displayName: String,
  $notes: String, $commit: String, $config: JSONString, $host: String, $jobType: String,
  $tags: [String!], $summaryMetrics: JSONString
) {
  upsertBucket(input: {
    name: $name, modelName: $project, entityName: $entity, groupName: $groupName,
    displayName: $displayName, notes: $notes, commit: $commit, config: $config, host: $host,
    jobType: $jobType, tags: $tags, summaryMetrics: $summaryMetrics
  }) {
    bucket { id name displayName project { id name entity { id name } } }
    inserted
  }
}`;

export interface UpsertBucketResult {
  upsertBucket: { bucket: { id: string; name: string; project: { name: string; entity: { name: string } } } | null; inserted: boolean } | null;
}

export const CREATE_ARTIFACT = /* GraphQL */ `mutation CreateArtifact(
  $entityName: String!, $projectName: String!, $artifactTypeName: String!,
  $artifactCollectionName: String!, $runName: String, $digest: String!, $description: String,
  $aliases: [ArtifactAliasInput!], $metadata: JSONString, $clientID: ID!, $sequenceClientID: ID!
) {
  createArtifact(input: {
    entityName: $entityName, projectName: $projectName, artifactTypeName: $artifactTypeName,
    artifactCollectionName: $artifactCollectionName, runName: $runName, digest: $digest,
    digestAlgorithm: MANIFEST_MD5, description: $description, aliases: $aliases,
    metadata: $metadata, enableDigestDeduplication: true, clientID: $clientID,
    sequenceClientID: $sequenceClientID
  }) {
    artifact { id state digest artifactSequence { id latestArtifact { id } } }
  }
}`;

export interface CreateArtifactResult {
  createArtifact: { artifact: { id: string; state: 'PENDING' | 'COMMITTED' | 'DELETED'; digest: string; artifactSequence: { id: string; latestArtifact: { id: string } | null } } };
}

export const CREATE_ARTIFACT_MANIFEST = /* GraphQL */ `mutation CreateArtifactManifest(
  $artifactID: ID!, $baseArtifactID: ID, $name: String!, $digest: String!, $entityName: String!,
  $projectName: String!, $runName: String!, $includeUpload: Boolean!
) {
  createArtifactManifest(input: {
    artifactID: $artifactID, baseArtifactID: $baseArtifactID, name: $name, digest: $digest,
    entityName: $entityName, projectName: $projectName, runName: $runName, type: FULL
  }) {
    artifactManifest { id file { id uploadUrl @include(if: $includeUpload) uploadHeaders @include(if: $includeUpload) } }
  }
}`;

export interface CreateArtifactManifestResult {
  createArtifactManifest: { artifactManifest: { id: string; file: { id: string; uploadUrl?: string | null; uploadHeaders?: string[] } } };
}

export const CREATE_ARTIFACT_FILES = /* GraphQL */ `mutation CreateArtifactFiles($input: CreateArtifactFilesInput!) {
  createArtifactFiles(input: $input) {
    files { edges { node { storagePath uploadUrl uploadHeaders artifact { id } } } }
  }
}`;

export interface CreateArtifactFilesResult {
  createArtifactFiles: { files: { edges: { node: { storagePath: string | null; uploadUrl: string | null; uploadHeaders: string[]; artifact: { id: string } | null } }[] } };
}

export const COMMIT_ARTIFACT = /* GraphQL */ `mutation CommitArtifact($artifactID: ID!) {
  commitArtifact(input: { artifactID: $artifactID }) { artifact { id digest } }
}`;

export const USE_ARTIFACT = /* GraphQL */ `mutation UseArtifact($input: UseArtifactInput!) {
  useArtifact(input: $input) { artifact { id } }
}`;

export interface ViewerResult {
  viewer: { id: string; entity: string | null; username: string | null; teams: { edges: { node: { name: string } | null }[] } | null } | null;
}
