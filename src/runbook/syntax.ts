/**
 * Real parsers for runbooks: tree-sitter-bash and tree-sitter-python on web-tree-sitter. The WebAssembly files ship
 * inside the executable (assets.json) and are loaded from bytes, never from a path.
 *
 * Started with --liftoff-only (bin/neptune, the executable's execArgv): V8's optimising tier would recompile the
 * 1.3 MB bash grammar at ~500 MB RSS and seconds of CPU, delaying even the exit (decision 0201). V8 freezes its
 * flags at start-up, so this cannot be set from here.
 *
 * The tree is copied once into plain objects (SNode): rules walk it many times, and every access to a
 * web-tree-sitter node crosses into WebAssembly.
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

let runtime: Promise<void> | null = null;
const parsers = new Map<'bash' | 'python', Promise<Parser>>();

/**
 * The parser of one grammar, loaded once per process and only when a file needs it: a run of shell runbooks never
 * compiles the Python grammar.
 */
export function loadParser(grammar: 'bash' | 'python'): Promise<Parser> {
  let loading = parsers.get(grammar);
  if (!loading) {
    runtime ??= Parser.init({ wasmBinary: new Uint8Array(readAsset('web-tree-sitter.wasm')) });
    loading = runtime.then(async () => {
      const language = await Language.load(new Uint8Array(readAsset(`tree-sitter-${grammar}.wasm`)));
      const parser = new Parser();
      parser.setLanguage(language);
      return parser;
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
export function parseToTree(parser: Parser, text: string): SNode {
  const tree = parser.parse(text);
  if (!tree) throw new Error('parser returned no tree');
  try {
    const language = tree.language;
    const types = language.types;
    const fieldNames = language.fields;
    // named-ness is a property of the node type: one lookup per type, not one call into WebAssembly per node
    const namedById = namedTypes(language);
    const hasError = tree.rootNode.hasError;
    const cursor = tree.walk();
    const make = (parent: SNode | null): SNode => {
      const typeId = cursor.nodeTypeId;
      const fieldId = parent ? cursor.currentFieldId : 0;
      const missing = hasError && cursor.nodeIsMissing;
      return {
        type: types[typeId] || 'ERROR',
        field: fieldId ? (fieldNames[fieldId] ?? null) : null,
        start: cursor.startIndex,
        end: cursor.endIndex,
        named: typeId === 65535 || namedById[typeId] === true || missing,
        missing,
        children: LEAF,
        parent,
        walked: null,
      };
    };
    const root = make(null);
    let current = root;
    // Iterative depth-first copy with the cursor: far fewer calls into WebAssembly than node accessors.
    if (cursor.gotoFirstChild()) {
      copy: for (;;) {
        const node = make(current);
        if (current.children === LEAF) current.children = [node];
        else current.children.push(node);
        if (cursor.gotoFirstChild()) {
          current = node;
          continue;
        }
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent()) break copy;
          current = current.parent ?? root;
        }
      }
    }
    cursor.delete();
    return root;
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

export function field(node: SNode, name: string): SNode | undefined {
  return node.children.find((c) => c.field === name);
}

export function fields(node: SNode, name: string): SNode[] {
  return node.children.filter((c) => c.field === name);
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

export function ancestors(node: SNode): SNode[] {
  const out: SNode[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  return out;
}

/** The first parse problem: an ERROR node or a MISSING token. */
export function syntaxErrors(root: SNode): SNode[] {
  const out: SNode[] = [];
  for (const n of walk(root)) if (n.type === 'ERROR' || n.missing) out.push(n);
  return out;
}
