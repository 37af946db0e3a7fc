/**
 * A model of a Python runbook from the tree-sitter-python tree: calls with their arguments, environment reads,
 * imports, print statements, and the flow of alert values (NP_* variables) through names.
 */
import { field, type SNode, walk } from '../syntax';

export interface PyCall {
  node: SNode;
  /** The callee as written, e.g. `os.system`, `subprocess.run`, `requests.get`. */
  func: string;
  args: SNode[];
  kwargs: Map<string, SNode>;
}

export interface PyEnvRead {
  node: SNode;
  /** The variable name when it is a literal. */
  name: string | null;
}

export interface PyModel {
  calls: PyCall[];
  envReads: PyEnvRead[];
  imports: { module: string; node: SNode }[];
  prints: SNode[];
  assignments: { name: string; node: SNode; value: SNode }[];
  tainted: Set<string>;
  /** Does this expression carry alert input (an NP_* read or a tainted name)? */
  carriesInput(node: SNode): boolean;
  src(node: SNode): string;
}

function stringValue(node: SNode, text: string): string | null {
  if (node.type !== 'string') return null;
  if (node.children.some((c) => c.type === 'interpolation')) return null;
  const content = node.children.filter((c) => c.type === 'string_content');
  return content.map((c) => text.slice(c.start, c.end)).join('');
}

export function buildPyModel(root: SNode, text: string, isTaintSource: (name: string) => boolean): PyModel {
  const src = (n: SNode) => text.slice(n.start, n.end);
  const calls: PyCall[] = [];
  const envReads: PyEnvRead[] = [];
  const imports: { module: string; node: SNode }[] = [];
  const prints: SNode[] = [];
  const assignments: { name: string; node: SNode; value: SNode }[] = [];

  for (let nodeIndex = 0, nodeList = walk(root); nodeIndex < nodeList.length; nodeIndex++) {
    const node = nodeList[nodeIndex]!;
    switch (node.type) {
      case 'call': {
        const fn = field(node, 'function');
        const argList = field(node, 'arguments');
        if (!fn) break;
        const args: SNode[] = [];
        const kwargs = new Map<string, SNode>();
        for (let aIndex = 0, aList = argList?.children ?? []; aIndex < aList.length; aIndex++) {
          const a = aList[aIndex]!;
          if (!a.named || a.type === 'comment') continue;
          if (a.type === 'keyword_argument') {
            const k = field(a, 'name');
            const v = field(a, 'value');
            if (k && v) kwargs.set(src(k), v);
          } else args.push(a);
        }
        const func = src(fn);
        calls.push({ node, func, args, kwargs });
        if (func === 'os.getenv' || func === 'os.environ.get' || func === 'getenv' || func === 'environ.get')
          envReads.push({ node, name: args[0] ? stringValue(args[0], text) : null });
        break;
      }
      case 'subscript': {
        const value = field(node, 'value');
        const sub = field(node, 'subscript');
        if (value && /^(os\.)?environ$/.test(src(value)))
          envReads.push({ node, name: sub ? stringValue(sub, text) : null });
        break;
      }
      case 'import_statement':
        for (const c of node.children)
          if (c.field === 'name') imports.push({ module: src(c).split(/\s+as\s+/)[0]!, node: c });
        break;
      case 'import_from_statement': {
        const m = field(node, 'module_name');
        if (m) imports.push({ module: src(m), node: m });
        break;
      }
      case 'print_statement':
        prints.push(node);
        break;
      case 'assignment': {
        const left = field(node, 'left');
        const right = field(node, 'right');
        if (left && right && left.type === 'identifier')
          assignments.push({ name: src(left), node, value: right });
        break;
      }
    }
  }

  const tainted = new Set<string>();
  const sourceReads = envReads.filter((r) => r.name !== null && isTaintSource(r.name));
  const within = (n: SNode, outer: SNode) => n.start >= outer.start && n.end <= outer.end;
  const carriesInput = (node: SNode): boolean => {
    if (sourceReads.some((r) => within(r.node, node))) return true;
    for (const n of walk(node)) if (n.type === 'identifier' && tainted.has(src(n))) return true;
    return false;
  };
  for (let pass = 0; pass < 4; pass++) {
    let changed = false;
    for (const a of assignments)
      if (!tainted.has(a.name) && carriesInput(a.value)) {
        tainted.add(a.name);
        changed = true;
      }
    if (!changed) break;
  }
  return { calls, envReads, imports, prints, assignments, tainted, carriesInput, src };
}

export { stringValue };
