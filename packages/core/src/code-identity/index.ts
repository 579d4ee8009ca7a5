import { Modules } from './modules.js';
import { Reach } from './reach.js';

export { describeCodeChange, sourceFilesOf } from './parts.js';

export interface ActionIdentity {
  /** Part name → hash; see parts.ts for the names. */
  parts: Record<string, string>;
  /** True when the parts are a whole-file walk shared by every action of that file. */
  wholeFile: boolean;
}

/**
 * Code identities of actions defined in source files, with one module cache for the
 * whole pipeline. Actions that cannot be singled out in their file (defined in a loop,
 * a factory, or under a computed name) share one whole-file identity per file, so
 * 100,000 actions from one loop walk their files once.
 */
export class CodeIdentity {
  private readonly modules: Modules;
  private readonly fileWalks = new Map<string, Promise<Record<string, string>>>();

  constructor(private readonly cwd: string) {
    this.modules = new Modules(cwd);
  }

  /** Every declaration of `file` and of what it imports, transitively (the parts of a whole-file walk). */
  ofFile(file: string): Promise<Record<string, string>> {
    let walk = this.fileWalks.get(file);
    if (!walk) {
      walk = Reach.ofFile(this.cwd, this.modules, file);
      this.fileWalks.set(file, walk);
    }
    return walk;
  }

  async ofAction(file: string, name: string): Promise<ActionIdentity> {
    const loaded = await this.modules.load(file);
    if (loaded && !loaded.analysis.unparsed && loaded.analysis.actions[name]) {
      return { parts: await Reach.ofAction(this.cwd, this.modules, file, name), wholeFile: false };
    }
    return { parts: await this.ofFile(file), wholeFile: true };
  }
}
