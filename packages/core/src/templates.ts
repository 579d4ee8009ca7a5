import { AeroError, ErrorCodes } from './errors.js';

const TAG = /\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;

/** Tags a template uses, in order. */
export function templateTags(template: string): string[] {
  const tags: string[] = [];
  TAG.lastIndex = 0;
  for (let m = TAG.exec(template); m; m = TAG.exec(template)) tags.push(m[1]!);
  return tags;
}

/**
 * Braces a template uses that are not a well-formed tag, as readable problems:
 * `{split/{sim}`, `{split}}`, `{{split}}` and `{sp-lit}` would otherwise be written
 * as literal braces in file names.
 */
export function templateSyntaxProblems(template: string): string[] {
  const problems: string[] = [];
  const whole = /^\{[A-Za-z_][A-Za-z0-9_]*(?::[^{}]*)?\}/;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '}') {
      problems.push(`unmatched \`}\` at column ${i + 1}`);
      continue;
    }
    if (ch !== '{') continue;
    const tag = whole.exec(template.slice(i));
    if (tag) {
      i += tag[0].length - 1;
      continue;
    }
    const close = template.indexOf('}', i + 1);
    const next = template.indexOf('{', i + 1);
    if (close === -1 || (next !== -1 && next < close)) {
      problems.push(`unmatched \`{\` at column ${i + 1}`);
      continue;
    }
    problems.push(`\`${template.slice(i, close + 1)}\` at column ${i + 1} is not a tag`);
    i = close;
  }
  return problems;
}

/**
 * Fill `{split}/{sim:04d}/map.fits`. Format specs follow Python's mini-language subset
 * people use in path templates: `[0][width][.precision][d|f|s|x|e]`.
 */
export function fillTemplate(template: string, vars: Record<string, unknown>): string {
  TAG.lastIndex = 0;
  return template.replace(TAG, (_all, name: string, spec: string | undefined) => {
    if (!(name in vars)) {
      throw new AeroError(ErrorCodes.PLAN_UNKNOWN_TEMPLATE_TAG, `Template \`${template}\` uses unknown tag \`{${name}}\`.`);
    }
    return formatValue(vars[name], spec, template);
  });
}

function formatValue(value: unknown, spec: string | undefined, template: string): string {
  if (!spec) return String(value);
  const m = /^(0)?(\d+)?(?:\.(\d+))?([dfsxe])?$/.exec(spec);
  if (!m) {
    throw new AeroError(ErrorCodes.PLAN_UNKNOWN_TEMPLATE_TAG, `Template \`${template}\` has an unsupported format spec \`:${spec}\`.`, {
      hint: 'Use Python-style specs such as {sim:04d}, {lr:.3f} or {name:s}.',
    });
  }
  const [, zero, widthText, precisionText, type] = m;
  const width = widthText ? Number(widthText) : 0;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let text: string;
  const num = typeof value === 'number' ? value : Number(value);
  switch (type) {
    case 'd':
      if (!Number.isInteger(num)) throw new AeroError(ErrorCodes.PLAN_UNKNOWN_TEMPLATE_TAG, `Template \`${template}\` formats ${String(value)} with \`d\`, which needs an integer.`);
      text = String(Math.abs(num));
      if (num < 0) return '-' + text.padStart(width - 1, zero ? '0' : ' ');
      break;
    case 'f':
      text = num.toFixed(precision ?? 6);
      break;
    case 'e':
      text = num.toExponential(precision ?? 6);
      break;
    case 'x':
      text = Math.trunc(num).toString(16);
      break;
    default:
      text = precision === undefined ? String(value) : String(value).slice(0, precision);
  }
  return text.padStart(width, zero ? '0' : ' ');
}

/** Tags every output path template has; a config var of the same name would be replaced. */
export const BUILTIN_TAGS: Readonly<Record<string, string>> = {
  stage: 'the action name',
  action: 'the action name',
  output: 'the output name',
  ext: "the handler's file extension",
};

/** Config `vars` that cannot work as template tags: built-in names, values that are not scalars. */
export function varIssues(vars: Record<string, unknown> | undefined): AeroError[] {
  const issues: AeroError[] = [];
  for (const [name, value] of Object.entries(vars ?? {})) {
    if (name in BUILTIN_TAGS) {
      issues.push(new AeroError(ErrorCodes.CONFIG_INVALID, `\`vars.${name}\` is the name of a built-in template tag (${BUILTIN_TAGS[name]}); it would be replaced.`, {
        hint: `Rename the var; built-in tags are ${Object.keys(BUILTIN_TAGS).map((t) => `{${t}}`).join(', ').replace(/, ([^,]*)$/, ' and $1')}.`,
        details: { var: name },
      }));
    } else if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value === 'number' ? String(value) : `a ${typeof value}`;
      issues.push(new AeroError(ErrorCodes.CONFIG_INVALID, `\`vars.${name}\` is ${kind}; template vars are strings or numbers.`, { hint: 'Give the var a string or a number.', details: { var: name } }));
    }
  }
  return issues;
}
