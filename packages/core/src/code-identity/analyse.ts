import { sha256Hex } from '../hash.js';
import { ANALYSIS_SCHEMA, type CodePiece, type DynamicUse, type ImportBinding, type ModuleAnalysis } from './analysis.js';
import { parseModule, type ParsedModule } from './parser.js';

/** An ESTree node as oxc-parser returns it (offsets are UTF-16, like JavaScript strings). */
interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/** Children that hold TypeScript types only: erased at run time, so never part of the identity. */
const TYPE_KEYS = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'superTypeArguments', 'implements']);
const TYPE_ONLY = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSDeclareFunction']);
const NOT_CHILDREN = new Set(['type', 'start', 'end', 'range', 'loc']);

/**
 * Node types whose inside is not "module level": an action defined there may capture
 * loop variables, function arguments or branch conditions, which the text alone does not fix.
 */
const NESTING = new Set([
  'FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassDeclaration', 'ClassExpression', 'BlockStatement',
  'StaticBlock', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement', 'SwitchStatement',
  'TryStatement', 'CatchClause', 'IfStatement', 'LabeledStatement', 'WithStatement', 'TSModuleDeclaration', 'ConditionalExpression',
  'LogicalExpression',
]);

const DEFINERS = new Set(['defineAction', 'defineCommand']);

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

function stringValue(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) {
    const quasi = (node.quasis as Array<{ value: { cooked: string | null } }>)[0];
    return quasi?.value.cooked ?? undefined;
  }
  return undefined;
}

function keyName(node: Node): string | undefined {
  if (node.computed) return undefined;
  const key = node.key as Node;
  return key.type === 'Identifier' ? (key.name as string) : stringValue(key);
}

/** Names bound by a declaration pattern (`a`, `{ a, b: [c] }`, `...rest`). */
function boundNames(pattern: unknown, out: string[] = []): string[] {
  if (!isNode(pattern)) return out;
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern.name as string);
      break;
    case 'ObjectPattern':
      for (const p of pattern.properties as Node[]) boundNames(p.type === 'RestElement' ? p.argument : p.value, out);
      break;
    case 'ArrayPattern':
      for (const e of pattern.elements as unknown[]) boundNames(e, out);
      break;
    case 'RestElement':
      boundNames(pattern.argument, out);
      break;
    case 'AssignmentPattern':
      boundNames(pattern.left, out);
      break;
  }
  return out;
}

/**
 * One module's declarations, imports, exports and action definitions, with for each
 * piece of code the names it mentions. Resolution across modules happens in reach.ts.
 */
export function analyseModule(filename: string, text: string): ModuleAnalysis {
  const parsed = parseModule(filename, text);
  const analysis: ModuleAnalysis = {
    schema: ANALYSIS_SCHEMA,
    unparsed: false,
    pieces: [],
    bindings: {},
    statements: [],
    imports: {},
    exports: {},
    typeExports: [],
    reexports: {},
    starExports: [],
    sideEffectImports: [],
    specifiers: [],
    actions: {},
  };
  if (!parsed) return { ...analysis, unparsed: true };
  return new ModuleAnalyser(parsed, text, analysis).run();
}

class ModuleAnalyser {
  private readonly specifiers = new Set<string>();
  private readonly labels = new Set<string>();
  /** Local names under which `defineAction` / `defineCommand` are imported. */
  private readonly definers = new Set(DEFINERS);

  constructor(
    private readonly parsed: ParsedModule,
    private readonly text: string,
    private readonly out: ModuleAnalysis,
  ) {}

  run(): ModuleAnalysis {
    const body = this.parsed.program.body as Node[];
    for (const statement of body) if (statement.type === 'ImportDeclaration') this.importDeclaration(statement);
    for (const statement of body) {
      if (statement.type !== 'ImportDeclaration') this.statement(statement);
      this.findActions(statement, false);
    }
    this.out.specifiers = [...this.specifiers];
    return this.out;
  }

  private importDeclaration(node: Node): void {
    if (node.importKind === 'type') return;
    const source = stringValue(node.source)!;
    const specifiers = (node.specifiers as Node[]).filter((s) => s.importKind !== 'type');
    if ((node.specifiers as Node[]).length === 0) {
      this.out.sideEffectImports.push(source);
      this.specifiers.add(source);
      return;
    }
    if (specifiers.length > 0) this.specifiers.add(source);
    for (const s of specifiers) {
      const local = (s.local as Node).name as string;
      const imported = s.type === 'ImportDefaultSpecifier' ? 'default' : s.type === 'ImportNamespaceSpecifier' ? '*' : (((s.imported as Node).name ?? (s.imported as Node).value) as string);
      this.out.imports[local] = { source, imported };
      if (DEFINERS.has(imported)) this.definers.add(local);
    }
  }

  private statement(node: Node): void {
    switch (node.type) {
      case 'ExportNamedDeclaration':
        return this.exportNamed(node);
      case 'ExportDefaultDeclaration': {
        const declaration = node.declaration as Node;
        const id = declaration.id as Node | null | undefined;
        if ((declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && id) {
          this.declaration(declaration);
          this.out.exports.default = id.name as string;
        } else {
          this.bind(['*default'], this.piece('default export', declaration));
          this.out.exports.default = '*default';
        }
        return;
      }
      case 'ExportAllDeclaration': {
        if (node.exportKind === 'type') return;
        const source = stringValue(node.source)!;
        this.specifiers.add(source);
        const exported = node.exported as Node | null;
        if (exported) this.out.reexports[(exported.name ?? exported.value) as string] = { source, imported: '*' };
        else this.out.starExports.push(source);
        return;
      }
      case 'TSExportAssignment':
      case 'TSNamespaceExportDeclaration':
        // `export = x`: CommonJS-style, names are not static; the piece keeps its effect.
        this.out.statements.push(this.piece(`statement ${this.shortHash(node)}`, node));
        return;
      case 'EmptyStatement':
        return;
      case 'ExpressionStatement':
        if (typeof node.directive === 'string') return;
        break;
      default:
        if (this.declaration(node)) return;
    }
    this.out.statements.push(this.piece(`statement ${this.shortHash(node)}`, node));
  }

  private exportNamed(node: Node): void {
    if (node.exportKind === 'type') return;
    const declaration = node.declaration as Node | null;
    if (declaration) {
      const names = this.declaration(declaration);
      for (const name of names ?? []) this.out.exports[name] = name;
      if (TYPE_ONLY.has(declaration.type) || declaration.declare) {
        const id = declaration.id as Node | undefined;
        if (id?.type === 'Identifier') this.out.typeExports.push(id.name as string);
      }
      return;
    }
    const source = node.source ? stringValue(node.source)! : undefined;
    if (source) this.specifiers.add(source);
    for (const s of node.specifiers as Node[]) {
      if (s.exportKind === 'type') continue;
      const local = ((s.local as Node).name ?? (s.local as Node).value) as string;
      const exported = ((s.exported as Node).name ?? (s.exported as Node).value) as string;
      if (source) this.out.reexports[exported] = { source, imported: local };
      else this.out.exports[exported] = local;
    }
  }

  /** Registers a declaration's pieces; returns the names it binds, or undefined if `node` declares nothing. */
  private declaration(node: Node): string[] | undefined {
    if (TYPE_ONLY.has(node.type) || node.declare) {
      const id = node.id as Node | undefined;
      return id?.type === 'Identifier' ? [] : undefined;
    }
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'ClassDeclaration': {
        const name = (node.id as Node).name as string;
        this.bind([name], this.piece(`${node.type === 'FunctionDeclaration' ? 'function' : 'class'} ${name}`, node));
        return [name];
      }
      case 'VariableDeclaration': {
        const names: string[] = [];
        for (const declarator of node.declarations as Node[]) {
          const bound = boundNames(declarator.id);
          this.bind(bound, this.piece(`${node.kind as string} ${bound.join(', ')}`, declarator, `${node.kind as string} `));
          names.push(...bound);
        }
        return names;
      }
      case 'TSEnumDeclaration': {
        const name = (node.id as Node).name as string;
        this.bind([name], this.piece(`enum ${name}`, node));
        return [name];
      }
      case 'TSModuleDeclaration': {
        const id = node.id as Node;
        if (id.type !== 'Identifier') return undefined;
        this.bind([id.name as string], this.piece(`namespace ${id.name as string}`, node));
        return [id.name as string];
      }
      case 'TSImportEqualsDeclaration': {
        const name = (node.id as Node).name as string;
        const reference = node.moduleReference as Node;
        if (node.importKind === 'type') return [];
        if (reference.type === 'TSExternalModuleReference') {
          const source = stringValue(reference.expression)!;
          this.specifiers.add(source);
          this.out.imports[name] = { source, imported: '*' };
        } else {
          this.bind([name], this.piece(`import ${name}`, node));
        }
        return [name];
      }
      default:
        return undefined;
    }
  }

  private bind(names: string[], piece: number): void {
    for (const name of names) (this.out.bindings[name] ??= []).push(piece);
  }

  /** Adds a piece for the source of `node` (with `prefix`, e.g. the `const ` of a declarator) and returns its index. */
  private piece(label: string, node: Node, prefix = ''): number {
    this.out.pieces.push(this.makePiece(label, node, prefix));
    return this.out.pieces.length - 1;
  }

  private makePiece(label: string, node: Node, prefix = ''): CodePiece {
    let unique = label;
    for (let n = 2; this.labels.has(unique); n++) unique = `${label} (${n})`;
    this.labels.add(unique);
    const refs = new Set<string>();
    const dynamic: DynamicUse = { evalLike: false, specifiers: [], unknownSpecifier: false };
    this.collect(node, refs, dynamic);
    for (const s of dynamic.specifiers) this.specifiers.add(s);
    const piece: CodePiece = { label: unique, hash: sha256Hex(prefix + this.code(node.start, node.end)), refs: [...refs] };
    if (dynamic.evalLike || dynamic.unknownSpecifier || dynamic.specifiers.length > 0) piece.dynamic = dynamic;
    return piece;
  }

  private shortHash(node: Node): string {
    return sha256Hex(this.code(node.start, node.end)).slice(0, 8);
  }

  /**
   * The source between two offsets as hashed: comments removed, and each run of
   * whitespace outside string, template and regex literals written as one space, or one
   * line break if it had any (line breaks can matter: \`return\nx\`). So comments and
   * the amount of spacing and blank lines change no identity; every other edit does.
   * (Hashing the syntax tree instead would ignore all formatting, but serialising it
   * per declaration cost most of the analysis time of a 3,000-line module.)
   */
  private code(start: number, end: number): string {
    let text = '';
    let loose = '';
    let at = start;
    const flush = () => {
      text += loose.replace(/\s+/g, (run) => (run.includes('\n') ? '\n' : ' '));
      loose = '';
    };
    const spans = this.parsed.spans;
    // First span ending after `start` (spans are sorted and disjoint): a binary search, so
    // hashing every piece of a large module stays linear in its size.
    let lo = 0;
    for (let hi = spans.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (spans[mid]!.end <= start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < spans.length; i++) {
      const span = spans[i]!;
      if (span.start >= end) break;
      loose += this.text.slice(at, span.start);
      if (span.comment) loose += ' ';
      else {
        flush();
        text += this.text.slice(span.start, span.end);
      }
      at = span.end;
    }
    loose += this.text.slice(at, end);
    flush();
    return text.trim();
  }

  /** Identifiers in value positions, and the dynamic loading/evaluation under `node`. */
  private collect(node: Node, refs: Set<string>, dynamic: DynamicUse): void {
    if (TYPE_ONLY.has(node.type)) return;
    switch (node.type) {
      case 'Identifier':
      case 'JSXIdentifier':
        refs.add(node.name as string);
        return;
      case 'MemberExpression':
        this.collect(node.object as Node, refs, dynamic);
        if (node.computed) this.collect(node.property as Node, refs, dynamic);
        return;
      case 'MetaProperty':
      case 'PrivateIdentifier':
        return;
      case 'LabeledStatement':
        this.collect(node.body as Node, refs, dynamic);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
        return;
      case 'ImportExpression':
        this.dynamicLoad(node.source, refs, dynamic);
        return;
      case 'CallExpression':
      case 'NewExpression': {
        const callee = node.callee as Node;
        if (callee.type === 'Identifier' && (callee.name === 'eval' || callee.name === 'Function')) dynamic.evalLike = true;
        if (callee.type === 'Identifier' && callee.name === 'require' && node.type === 'CallExpression') {
          this.dynamicLoad((node.arguments as unknown[])[0], refs, dynamic);
          for (const a of (node.arguments as Node[]).slice(1)) this.collect(a, refs, dynamic);
          return;
        }
        break;
      }
      case 'Property':
      case 'PropertyDefinition':
      case 'MethodDefinition':
      case 'AccessorProperty':
      case 'TSEnumMember':
        if (node.computed) this.collect(node.key as Node, refs, dynamic);
        if (node.value) this.collect(node.value as Node, refs, dynamic);
        if (node.initializer) this.collect(node.initializer as Node, refs, dynamic);
        for (const d of (node.decorators as Node[] | undefined) ?? []) this.collect(d, refs, dynamic);
        return;
    }
    for (const key in node) {
      if (NOT_CHILDREN.has(key) || TYPE_KEYS.has(key)) continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) this.collect(item, refs, dynamic);
      } else if (isNode(value)) this.collect(value, refs, dynamic);
    }
  }

  private dynamicLoad(source: unknown, refs: Set<string>, dynamic: DynamicUse): void {
    const literal = stringValue(source);
    if (literal !== undefined) dynamic.specifiers.push(literal);
    else {
      dynamic.unknownSpecifier = true;
      if (isNode(source)) this.collect(source, refs, dynamic);
    }
  }

  /**
   * Finds `defineAction({ name: '...' , run })` calls. `nested` says whether a function,
   * block, loop or branch lies between the module and the call.
   */
  private findActions(node: Node, nested: boolean): void {
    if (TYPE_ONLY.has(node.type)) return;
    if (node.type === 'CallExpression') this.actionCall(node, nested);
    const inner = nested || NESTING.has(node.type);
    for (const key in node) {
      if (NOT_CHILDREN.has(key) || TYPE_KEYS.has(key)) continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) this.findActions(item, inner);
      } else if (isNode(value)) this.findActions(value, inner);
    }
  }

  private actionCall(node: Node, nested: boolean): void {
    const callee = node.callee as Node;
    const calleeName = callee.type === 'Identifier' ? (callee.name as string) : callee.type === 'MemberExpression' && !callee.computed ? ((callee.property as Node).name as string) : undefined;
    if (!calleeName || !(this.definers.has(calleeName) || DEFINERS.has(calleeName))) return;
    const definition = (node.arguments as Node[])[0];
    if (!definition || definition.type !== 'ObjectExpression') return;
    const properties = definition.properties as Node[];
    const nameProperty = properties.find((p) => p.type === 'Property' && keyName(p) === 'name');
    const name = nameProperty ? stringValue(nameProperty.value) : undefined;
    if (name === undefined) return;
    if (nested || name in this.out.actions) {
      this.out.actions[name] = null;
      return;
    }
    // `run` alone is the action's code; with a spread in the object, `run` may come from
    // (or be overridden by) the spread value, so the whole definition stands for it.
    const run = properties.find((p) => p.type === 'Property' && keyName(p) === 'run');
    const hasSpread = properties.some((p) => p.type === 'SpreadElement');
    this.out.actions[name] = this.makePiece(`action ${name}`, run && !hasSpread ? run : definition);
  }
}
