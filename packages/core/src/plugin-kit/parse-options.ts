import type { z } from 'zod';
import { AeroError, ErrorCodes } from '../errors.js';
import { didYouMean, nearestNames } from '../suggest.js';
import { objectKeysAt } from './schema-keys.js';

/** Which plugin an options problem belongs to: scopes the error and names the factory users call. */
export interface PluginRef {
  /** The publishing package (`@aeroml/store-s3`), printed as `[aero] [@aeroml/store-s3] ...`. */
  packageName: string;
  /** The factory users call in aero.config.ts (`s3Store`), named in the message. */
  factory?: string | undefined;
  /**
   * What the options are, when they are not a factory's argument: `write options of the
   * npy handler` (options given per call). Printed as `Invalid write options of the npy handler:`.
   */
  subject?: string | undefined;
}

/** One problem with a plugin's options: its dot path (`mounts.0.source`) and what is wrong. */
export interface PluginOptionProblem {
  path: string;
  message: string;
}

/**
 * Validates a plugin's options with its zod schema, the same way for every plugin: each
 * problem on its own line with its dot path, unknown keys refused with the nearest valid
 * names, all of them in one PLUGIN_OPTIONS_INVALID so the user fixes everything at once.
 * Returns the parsed options (defaults filled) when they are valid.
 */
export function parsePluginOptions<Schema extends z.ZodType>(schema: Schema, options: unknown, plugin: PluginRef | string): z.output<Schema> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  throw pluginOptionsError(plugin, describeIssues(schema, result.error.issues));
}

/**
 * The PLUGIN_OPTIONS_INVALID error for problems found outside the schema (a check that
 * needs the environment, say), rendered exactly like parsePluginOptions' own.
 */
export function pluginOptionsError(plugin: PluginRef | string, problems: readonly PluginOptionProblem[]): AeroError {
  const ref = typeof plugin === 'string' ? { packageName: plugin } : plugin;
  const factory = ref.factory ? `${ref.factory}()` : ref.packageName;
  const lines = problems.map((p) => `  - \`${p.path}\`: ${p.message}`);
  const readme = `the Options section of the ${ref.packageName} README lists every option`;
  return new AeroError(ErrorCodes.PLUGIN_OPTIONS_INVALID, `Invalid ${ref.subject ?? `options for ${factory}`}:\n${lines.join('\n')}`, {
    plugin: ref.packageName,
    hint: ref.subject ? `Fix the listed ${ref.subject}; ${readme}.` : `Fix the listed options where ${factory} is created in aero.config.ts; ${readme}.`,
    details: { issues: problems.map((p) => ({ ...p })) },
  });
}

/** zod issues → one problem per dot path; unknown keys get one line each, with suggestions. */
export function describeIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): PluginOptionProblem[] {
  return issues.flatMap((issue): PluginOptionProblem[] => {
    const fullPath = [...prefix, ...issue.path];
    const base = fullPath.map(String);
    if (issue.code === 'invalid_union') {
      const branch = matchingBranch(issue.errors);
      if (branch) return describeIssues(schema, branch, fullPath);
    }
    if (issue.code === 'unrecognized_keys') {
      const known = objectKeysAt(schema, fullPath);
      return issue.keys.map((key) => {
        const suggestion = didYouMean(nearestNames(key, known));
        return { path: [...base, key].join('.'), message: `unknown option.${suggestion ? ` ${suggestion}` : ''}` };
      });
    }
    return [{ path: base.join('.') || '(options)', message: issueMessage(issue) }];
  });
}

/**
 * The union member the value was meant for: the one branch whose problems are inside the
 * value rather than its type (`{ source: 1 }` is an object mount with a bad `source`, not
 * a string mount). None when every branch refuses the type itself, or several do not.
 */
function matchingBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  const typeOnly = (issues: readonly z.core.$ZodIssue[]) => issues.length > 0 && issues.every((i) => i.path.length === 0 && i.code === 'invalid_type');
  const candidates = branches.filter((b) => b.length > 0 && !typeOnly(b));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** zod's message without its generic `Invalid input: ` lead, and a missing value said plainly. */
function issueMessage(issue: z.core.$ZodIssue): string {
  const text = issue.message.replace(/^Invalid input: /, '');
  const missing = /^expected (.+), received undefined$/.exec(text);
  return missing ? `required (expected ${missing[1]})` : text;
}
