/**
 * Real parsers for runbooks: tree-sitter-bash and tree-sitter-python on web-tree-sitter. The WebAssembly files ship
 * inside the executable (assets.json) and are loaded from bytes, never from a path.
 *
 * Started with --liftoff-only (bin/neptune, the executable's execArgv): V8's optimising tier would recompile the
 * 1.3 MB bash grammar at ~500 MB RSS and seconds of CPU, delaying even the exit (decision 0201). V8 freezes its
 * flags at start-up, so this cannot be set from here.
 *
 * The tree is copied once into plain objects (SNode): rules walk it many times, and every access to a
 * web-tree-sitter node crosses into WebAssembly. The copy drives the module's tree cursor directly (CursorExports).
 */
import { Language, Parser } from 'web-tree-sitter';
import { readAsset } from '../core/assets';

export interface SNode {
  type: string;
  /** Field name in the parent (`name`, `argument`, `value`, …), or null. */
  field: string | null;
  start: number;
  end: number;
  named: boolean;
  missing: boolean;
  children: SNode[];
  parent: SNode | null;
  /** walk()'s result, cached on the node (see walk). */
  walked?: SNode[] | null;
}

/**
 * The exports of web-tree-sitter's WebAssembly module that the tree copy calls itself. Emscripten fills them into
 * the options object given to `Parser.init`. The TreeCursor wrapper around them wrote and read the cursor's four
 * words through `setValue`/`getValue` on every call, ~0.4 ms of a file (decision 0209); the module keeps the cursor
 * in its transfer buffer between calls anyway, so the copy drives it with these alone. web-tree-sitter is pinned
 * (package.json): a version that renames them fails `loadParser`, and every lint test with it.
 */
interface CursorExports {
  /** Puts the tree's root node into the transfer buffer. */
  _ts_tree_root_node_wasm(tree: number): void;
  /** A cursor on the node in the transfer buffer, left there. */
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
}

const CURSOR_EXPORTS: readonly (keyof CursorExports)[] = [
  '_ts_tree_root_node_wasm',
  '_ts_tree_cursor_new_wasm',
  '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
];

/** A grammar's parser and the module's cursor exports. */
export interface LoadedParser {
  parser: Parser;
  wasm: CursorExports;
}

let runtime: Promise<CursorExports> | null = null;
const parsers = new Map<'bash' | 'python', Promise<LoadedParser>>();

function initRuntime(): Promise<CursorExports> {
  const module: Record<string, unknown> = { wasmBinary: new Uint8Array(readAsset('web-tree-sitter.wasm')) };
  return Parser.init(module).then(() => {
    const missing = CURSOR_EXPORTS.filter((name) => typeof module[name] !== 'function');
    if (missing.length > 0) throw new Error(`web-tree-sitter lacks ${missing.join(', ')}`);
    return module as unknown as CursorExports;
  });
}

/**
 * The parser of one grammar, loaded once per process and only when a file needs it: a run of shell runbooks never
 * compiles the Python grammar.
 */
export function loadParser(grammar: 'bash' | 'python'): Promise<LoadedParser> {
  let loading = parsers.get(grammar);
  if (!loading) {
    runtime ??= initRuntime();
    loading = runtime.then(async (wasm) => {
      const language = await Language.load(new Uint8Array(readAsset(`tree-sitter-${grammar}.wasm`)));
      const parser = new Parser();
      parser.setLanguage(language);
      return { parser, wasm };
    });
    parsers.set(grammar, loading);
  }
  return loading;
}

/** The children of every leaf: one frozen array instead of one per node (half the nodes are leaves). */
const LEAF: SNode[] = Object.freeze([]) as unknown as SNode[];

/**
 * Parses and copies the tree. web-tree-sitter reports offsets in UTF-16 code units for JavaScript strings, which is
 * what String#slice uses.
 */
export function parseToTree({ parser, wasm }: LoadedParser, text: string): SNode {
  const tree = parser.parse(text);
  if (!tree) throw new Error('parser returned no tree');
  try {
    const language = tree.language;
    const types = language.types;
    const fieldNames = language.fields;
    // named-ness is a property of the node type: one lookup per type, not one call into WebAssembly per node
    const namedById = namedTypes(language);
    const hasError = tree.rootNode.hasError;
    // the tree's address in the module (web-tree-sitter's handle)
    const address = (tree as unknown as { 0: number })[0];
    wasm._ts_tree_root_node_wasm(address);
    wasm._ts_tree_cursor_new_wasm(address);
    const make = (parent: SNode | null): SNode => {
      const typeId = wasm._ts_tree_cursor_current_node_type_id_wasm(address);
      const fieldId = parent ? wasm._ts_tree_cursor_current_field_id_wasm(address) : 0;
      const missing = hasError && wasm._ts_tree_cursor_current_node_is_missing_wasm(address) === 1;
      return {
        type: types[typeId] || 'ERROR',
        field: fieldId ? (fieldNames[fieldId] ?? null) : null,
        start: wasm._ts_tree_cursor_start_index_wasm(address),
        end: wasm._ts_tree_cursor_end_index_wasm(address),
        named: typeId === 65535 || namedById[typeId] === true || missing,
        missing,
        children: LEAF,
        parent,
        walked: null,
      };
    };
    try {
      const root = make(null);
      let current = root;
      // Iterative depth-first copy with the cursor: far fewer calls into WebAssembly than node accessors. The
      // children of the nodes on the path collect in one array and each node gets an exact-size slice of it when
      // its last child is done (a literal grown by push reserves 17 slots, decision 0210).
      const pending: SNode[] = [];
      const starts: number[] = [];
      if (wasm._ts_tree_cursor_goto_first_child_wasm(address) === 1) {
        starts.push(0);
        copy: for (;;) {
          const node = make(current);
          pending.push(node);
          if (wasm._ts_tree_cursor_goto_first_child_wasm(address) === 1) {
            starts.push(pending.length);
            current = node;
            continue;
          }
          while (wasm._ts_tree_cursor_goto_next_sibling_wasm(address) !== 1) {
            const start = starts.pop()!;
            current.children = pending.slice(start);
            pending.length = start;
            if (current === root || wasm._ts_tree_cursor_goto_parent_wasm(address) !== 1) break copy;
            current = current.parent ?? root;
          }
        }
      }
      return root;
    } finally {
      wasm._ts_tree_cursor_delete_wasm(address);
    }
  } finally {
    tree.delete();
  }
}

const namedCache = new WeakMap<Language, boolean[]>();
function namedTypes(language: Language): boolean[] {
  let out = namedCache.get(language);
  if (!out) {
    out = [];
    for (let id = 0; id < language.types.length; id++) out[id] = language.nodeTypeIsNamed(id);
    namedCache.set(language, out);
  }
  return out;
}

export function named(node: SNode): SNode[] {
  return node.children.filter((c) => c.named);
}

// (loops, not find/filter with a closure: these run for most nodes of every file)
export function field(node: SNode, name: string): SNode | undefined {
  const children = node.children;
  for (let k = 0; k < children.length; k++) if (children[k]!.field === name) return children[k];
  return undefined;
}

export function fields(node: SNode, name: string): SNode[] {
  const out: SNode[] = [];
  const children = node.children;
  for (let k = 0; k < children.length; k++) if (children[k]!.field === name) out.push(children[k]!);
  return out;
}

/**
 * Every node in document order (an array, cached per node: rules walk the same trees many times). The cache is a
 * field of the node, not a WeakMap: a WeakMap's entries outlive scavenges, so every file's walks were promoted and
 * piled up in the old generation until a full collection (decision 0208).
 */
export function walk(node: SNode): SNode[] {
  const cached = node.walked;
  if (cached) return cached;
  const out: SNode[] = [];
  const stack: SNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  node.walked = out;
  return out;
}

export function hasAncestor(node: SNode, type: string): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.type === type) return true;
  return false;
}

/** The parse problems, in document order: ERROR nodes and MISSING tokens. */
export function syntaxErrors(root: SNode): SNode[] {
  const out: SNode[] = [];
  const nodes = walk(root);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.type === 'ERROR' || n.missing) out.push(n);
  }
  return out;
}
