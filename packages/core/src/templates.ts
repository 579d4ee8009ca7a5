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
