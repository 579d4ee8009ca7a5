import type { Action } from '../define.js';
import { AeroError, ErrorCodes } from '../errors.js';
import { didYouMean, nearestNames } from '../suggest.js';

/** `prep.data@best`: an output of an action, and optionally which version of it. */
export interface ArtifactRefText {
  action: string;
  output: string;
  /** The artifact's store name, `<action>.<output>`. */
  artifact: string;
  /** Tag, run id (or `latest`, a run name, a unique run id prefix) or digest prefix; absent = the newest. */
  version?: string;
}

const EXAMPLES: Record<string, string> = { '--use': 'aero run --use prep.data@best', 'aero tag --list': 'aero tag --list prep.data' };

/**
 * Parses `<action>.<output>[@<version>]` and checks the action and output exist in the
 * pipeline (nearest names suggested): a typo must not pin, tag or export nothing.
 * `what` names the command in messages (`--use`, `aero tag`).
 */
export function parseArtifactRef(text: string, actions: readonly Action[], what: string): ArtifactRefText {
  const at = text.indexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  const version = at < 0 ? undefined : text.slice(at + 1);
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1 || (version !== undefined && version.length === 0)) {
    throw new AeroError(ErrorCodes.PIN_INVALID, `${what} \`${text}\` is not \`<action>.<output>${what === 'aero tag --list' ? '' : '@<tag|digest-prefix|run-id>'}\`.`, {
      hint: `Name an output${what === 'aero tag --list' ? '' : ' and a version'}, e.g. ${EXAMPLES[what] ?? 'aero tag prep.data best'}; \`aero artifacts\` lists outputs and versions.`,
    });
  }
  const action = name.slice(0, dot);
  const output = name.slice(dot + 1);
  const byName = new Map(actions.map((a) => [a.name, a]));
  const producer = byName.get(action);
  if (!producer) {
    const near = nearestNames(action, byName.keys());
    throw new AeroError(ErrorCodes.PIN_UNKNOWN_OUTPUT, `${what} \`${text}\`: no action \`${action}\` in this pipeline.`, {
      hint: near.length ? `${didYouMean(near.map((n) => `${n}.${output}`))}` : `Actions: ${[...byName.keys()].sort().join(', ')}.`,
      details: { action, suggestions: near },
    });
  }
  if (!(output in producer.outputs)) {
    const outputs = Object.keys(producer.outputs);
    const near = nearestNames(output, outputs);
    throw new AeroError(ErrorCodes.PIN_UNKNOWN_OUTPUT, `${what} \`${text}\`: action \`${action}\` has no output \`${output}\`.`, {
      hint: near.length ? didYouMean(near.map((n) => `${action}.${n}`)) : `Outputs of \`${action}\`: ${outputs.map((o) => `${action}.${o}`).join(', ') || 'none'}.`,
      details: { action, output, suggestions: near },
    });
  }
  return { action, output, artifact: `${action}.${output}`, ...(version !== undefined ? { version } : {}) };
}
