/**
 * `aero tune`: hyperparameter search where each trial is one cached pipeline run.
 * Space parsing (space.ts), built-in samplers (builtin-samplers.ts), the Optuna bridge
 * (optuna-bridge.ts + the Python in bridge-script.ts), the study loop (study.ts), one
 * trial (trial-run.ts) and results (results.ts).
 */
export { tune, type TuneOptions, type TuneSummary, type TuneEvent } from './study.js';
export { parseSearchSpace, parseDimension, trialOverrides, type Dimension, type SearchSpace, type ParamValue } from './space.js';
export { gridSampler, randomSampler, type BuiltinSampler } from './builtin-samplers.js';
export { OptunaBridge, OPTUNA_REQUIREMENT } from './optuna-bridge.js';
export { BRIDGE_SOURCE } from './bridge-script.js';
export { parseObjectives, reduceMetric, type Objective, type Direction, type Reducer } from './objective.js';
export { bestTrials, sortedTrials, runCommand, resumeCommand, loadStudy, trialCounts, type TuneBest, type TrialCounts } from './results.js';
export { readStudy, listStudies, studyDir, SAMPLERS, PRUNERS, type StudyRecord, type TrialRecord, type TrialState, type SamplerName, type PrunerName } from './study-record.js';
export { parseTuneConfig, mergeTuneConfigs, mergeSpaceArgs, asList as asTuneList, type TuneConfig } from './config.js';
export { prunedError } from './trial-run.js';
export { closeTrialProject } from './trial-project.js';
