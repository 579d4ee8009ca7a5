// zod schemas of the MLflow REST API 2.0 responses this plugin reads. Unknown fields are
// dropped; int64 fields may come as numbers or strings (protobuf JSON), doubles may be
// "NaN"/"Infinity" strings.
// `z.literal`, not `z.enum`: an enum keyed "-Infinity" is declared as `[-Infinity]: ...` in
// the emitted .d.ts, which is not valid TypeScript (TS1170).
import { z } from 'zod';

const int64 = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform((v) => Number(v));

export const metricValue = z.union([z.number(), z.literal(['NaN', 'Infinity', '-Infinity'])]).transform((v) => (typeof v === 'number' ? v : Number(v)));

export const keyValueSchema = z.object({ key: z.string(), value: z.string().default('') });
export type KeyValue = z.output<typeof keyValueSchema>;

export const experimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string().optional(),
  lifecycle_stage: z.string().optional(),
  tags: z.array(keyValueSchema).optional(),
});
export type MlflowExperiment = z.output<typeof experimentSchema>;

export const runInfoSchema = z.object({
  run_id: z.string(),
  experiment_id: z.string(),
  run_name: z.string().optional(),
  user_id: z.string().optional(),
  status: z.string().optional(),
  start_time: int64.optional(),
  end_time: int64.optional(),
  artifact_uri: z.string().optional(),
  lifecycle_stage: z.string().optional(),
});
export type MlflowRunInfo = z.output<typeof runInfoSchema>;

export const metricSchema = z.object({
  key: z.string(),
  value: metricValue,
  timestamp: int64,
  step: int64.default(0),
});
export type MlflowMetric = z.output<typeof metricSchema>;

export const runSchema = z.object({
  info: runInfoSchema,
  data: z
    .object({
      metrics: z.array(metricSchema).default([]),
      params: z.array(keyValueSchema).default([]),
      tags: z.array(keyValueSchema).default([]),
    })
    .default({ metrics: [], params: [], tags: [] }),
});
export type MlflowRun = z.output<typeof runSchema>;

export const getExperimentResponse = z.object({ experiment: experimentSchema });
export const createExperimentResponse = z.object({ experiment_id: z.string() });
export const runResponse = z.object({ run: runSchema });
export const updateRunResponse = z.object({ run_info: runInfoSchema.partial().optional() });
export const searchRunsResponse = z.object({
  runs: z.array(runSchema).default([]),
  next_page_token: z.string().optional(),
});
export const metricHistoryResponse = z.object({
  metrics: z.array(metricSchema).default([]),
  next_page_token: z.string().optional(),
});
export const emptyResponse = z.object({}).loose();
export const listArtifactsResponse = z.object({
  files: z
    .array(
      z.object({
        path: z.string(),
        is_dir: z.boolean().default(false),
        file_size: int64.optional(),
      }),
    )
    .default([]),
});
export const errorBody = z.object({ error_code: z.string().optional(), message: z.string().optional() }).loose();
