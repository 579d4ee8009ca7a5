import type { AssetHandler } from '../contracts/handler.js';
import type { Fingerprinter } from '../fingerprint.js';
import { canonicalJson, sha256Hex } from '../hash.js';
import type { PlannedInstance } from '../plan-types.js';
import type { CacheComponents } from '../runs.js';

/**
 * Cache keys (DESIGN.md "Cache key"): the sha256 of the canonical JSON of an instance's
 * components — action name, code fingerprint, resolved params, input artifact digests,
 * partition key, output paths with their handler names and versions (and options, when
 * not the handler's defaults).
 */
export class CacheKeyer {
  private readonly parts = new Map<string, { head: string; params: string }>();

  constructor(
    private readonly fingerprinter: Pick<Fingerprinter, 'fingerprint'>,
    private readonly handlers: Map<string, AssetHandler<any, any, any>>,
  ) {}

  /** The components of an instance's key, given its input digests. */
  async components(inst: PlannedInstance, inputDigests: Record<string, string[]>): Promise<CacheComponents> {
    const code = await this.fingerprinter.fingerprint(inst.action);
    const outputs: Record<string, string> = {};
    for (const [name, out] of Object.entries(inst.outputs)) {
      const handler = this.handlers.get(out.handler)!;
      // Options other than the handler's defaults change its bytes as a version does.
      outputs[name] = `${out.path}|${handler.name}@${handler.version}${handler.optionsDigest ? `#${handler.optionsDigest}` : ''}`;
    }
    return { action: inst.action.name, code: code.digest, codeFiles: code.files, params: inst.params ?? null, inputs: inputDigests, partition: inst.partition ?? null, outputs };
  }

  /**
   * The key and its components. The text hashed is built by concatenation from per-action
   * parts (code, params) canonicalised once, because canonicalising every instance's whole
   * components dominated large fan-outs. It is byte-identical to `canonicalJson(components)`
   * (asserted by test/cache-key.test.ts).
   */
  async key(inst: PlannedInstance, inputDigests: Record<string, string[]>): Promise<{ key: string; components: CacheComponents }> {
    const components = await this.components(inst, inputDigests);
    // Only a partitioned action has several instances to share its parts: an entry per
    // action of a 100,000-action fan-out was map traffic and memory for nothing.
    const shared = inst.partition !== undefined;
    let parts = shared ? this.parts.get(inst.action.name) : undefined;
    if (!parts) {
      parts = {
        head: `{"action":${JSON.stringify(components.action)},"code":${JSON.stringify(components.code)},"codeFiles":${canonicalJson(components.codeFiles)},"inputs":`,
        params: canonicalJson(components.params),
      };
      if (shared) this.parts.set(inst.action.name, parts);
    }
    const text = `${parts.head}${canonicalJson(components.inputs)},"outputs":${canonicalJson(components.outputs)},"params":${parts.params},"partition":${canonicalJson(components.partition)}}`;
    return { key: sha256Hex(text), components };
  }
}
