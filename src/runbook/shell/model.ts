/**
 * A model of a shell runbook built from the tree-sitter-bash tree: commands with their words and quoting,
 * pipelines, wrappers (sudo, timeout, env, xargs…), assignments, tests, and the flow of alert values (NP_* and
 * declared params) through variables. Rules read this model instead of the raw tree.
 */
import { field, fields, hasAncestor, type SNode, walk } from '../syntax';

export interface Expansion {
  node: SNode;
  kind: 'var' | 'cmdsub' | 'arith' | 'procsub';
  /** The variable for `$X`/`${X…}`; null for substitutions. */
  name: string | null;
  /** Inside double quotes or a here-document (no word splitting or globbing). */
  quoted: boolean;
  /** `${X:?…}` or `${X?…}`: fails when empty or unset. */
  guarded: boolean;
  /** `${#X}`: a number. */
  length: boolean;
  /** Where it appears: argument of a command, assignment value, test, case subject, redirect target, … */
  context: 'arg' | 'name' | 'assign' | 'test' | 'case' | 'redirect' | 'heredoc' | 'for' | 'arith' | 'other';
  /** The command whose word holds it (context arg or name). */
  command: Command | null;
}

export interface Word {
  node: SNode;
  text: string;
  /** The value when the word has no expansion (quotes removed), else null. */
  literal: string | null;
  expansions: Expansion[];
}

export interface Wrapper {
  name: string;
  /** Options given to the wrapper (e.g. sudo's -n, -u root). */
  options: string[];
}

export interface Command {
  node: SNode;
  /** The command as written: name word then arguments. */
  argv: Word[];
  /** After peeling wrappers (sudo, doas, env, timeout, nohup, nice, xargs, exec, command, stdbuf): */
  name: string | null;
  nameWord: Word | null;
  args: Word[];
  wrappers: Wrapper[];
  /** Prefix assignments (`X=1 cmd`). */
  env: SNode[];
  /** The pipeline this command is part of (all its commands), or null. */
  pipeline: Command[] | null;
  pipeIndex: number;
  /** Redirections of this command (and of the statement it is the body of). */
  redirects: SNode[];
  /** Inside `$( … )` or backticks. */
  inSubstitution: boolean;
  /** Part of a condition (`if`, `while`, `&&`, `||`, `!`). */
  inCondition: boolean;
  /** `cmd || …`: the text after `||`, when the command is the left side of one. */
  orElse: string | null;
}

export interface Assignment {
  node: SNode;
  name: string;
  value: SNode | null;
  valueText: string;
  /** The span of the value (all words of a `for … in` list). */
  valueStart: number;
  valueEnd: number;
}

export interface TestUse {
  name: string;
  start: number;
  kind: 'empty' | 'regex' | 'case' | 'compare' | 'other';
}

export interface ShellModel {
  commands: Command[];
  expansions: Expansion[];
  assignments: Assignment[];
  tests: TestUse[];
  /** Variables that carry alert input, with where they became tainted. */
  tainted: Map<string, number>;
  /** The expansions that carry alert input (a tainted variable, not its length), in document order. */
  taintedExpansions: Expansion[];
  /** Offsets where `set -e`, `set -u`, `set -o pipefail` first take effect (or -1). */
  strict: { errexit: number; nounset: number; pipefail: number };
  /** All comment nodes. */
  comments: SNode[];
  /** Top-level statements (suppression scope). */
  statements: SNode[];
  /** Offsets of `exit`/`return` with a non-zero status or `|| exit`-style checks. */
  explicitChecks: number;
}

const WRAPPERS = new Set([
  'sudo',
  'doas',
  'env',
  'timeout',
  'nohup',
  'nice',
  'ionice',
  'time',
  'exec',
  'stdbuf',
  'xargs',
  'command',
  'builtin',
  'setsid',
  'chroot',
]);
/** Wrapper options that take a separate value. */
const OPTION_VALUES: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-C', '-h', '-p', '-r', '-t', '-U', '-D', '-R', '-T']),
  doas: new Set(['-u', '-C']),
  env: new Set(['-u', '-C', '-S']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  nice: new Set(['-n']),
  ionice: new Set(['-c', '-n', '-p']),
  stdbuf: new Set(['-i', '-o', '-e']),
  xargs: new Set(['-I', '-n', '-P', '-L', '-d', '-E', '-s', '-a']),
};

export function basename(name: string): string {
  const i = name.lastIndexOf('/');
  return i === -1 ? name : name.slice(i + 1);
}

export function buildShellModel(
  root: SNode,
  text: string,
  isTaintSource: (name: string) => boolean,
): ShellModel {
  const commands: Command[] = [];
  const byNode = new Map<SNode, Command>();
  const expansions: Expansion[] = [];
  const assignments: Assignment[] = [];
  const tests: TestUse[] = [];
  const comments: SNode[] = [];
  const strict = { errexit: -1, nounset: -1, pipefail: -1 };
  let explicitChecks = 0;
  const src = (n: SNode) => text.slice(n.start, n.end);

  const makeWord = (node: SNode): Word => ({
    node,
    text: src(node),
    literal: literalOf(node, text),
    expansions: [],
  });

  const nodes = walk(root);
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k]!;
    switch (node.type) {
      case 'comment':
        comments.push(node);
        break;
      case 'command': {
        const nameNode = field(node, 'name');
        const argv: Word[] = nameNode ? [makeWord(nameNode.children[0] ?? nameNode)] : [];
        const children = node.children;
        for (let c = 0; c < children.length; c++)
          if (children[c]!.field === 'argument') argv.push(makeWord(children[c]!));
        const cmd: Command = {
          node,
          argv,
          name: null,
          nameWord: null,
          args: [],
          wrappers: [],
          env: node.children.filter((c) => c.type === 'variable_assignment'),
          pipeline: null,
          pipeIndex: -1,
          redirects: [],
          inSubstitution: hasAncestor(node, 'command_substitution'),
          inCondition: false,
          orElse: null,
        };
        unwrap(cmd);
        commands.push(cmd);
        byNode.set(node, cmd);
        break;
      }
      case 'variable_assignment': {
        const name = field(node, 'name');
        const value = field(node, 'value') ?? null;
        if (name)
          assignments.push({
            node,
            name: src(name),
            value,
            valueText: value ? src(value) : '',
            valueStart: value?.start ?? node.end,
            valueEnd: value?.end ?? node.end,
          });
        break;
      }
      case 'for_statement': {
        const variable = field(node, 'variable');
        const values = fields(node, 'value');
        if (variable)
          assignments.push({
            node,
            name: src(variable),
            value: values[0] ?? null,
            valueText: values.map(src).join(' '),
            valueStart: values[0]?.start ?? node.end,
            valueEnd: values[values.length - 1]?.end ?? node.end,
          });
        break;
      }
      case 'test_command': {
        const isRegex = node.children.some(
          (c) => c.type === 'binary_expression' && c.children.some((g) => g.type === 'regex'),
        );
        const isEmpty =
          /(^|\s)-[zn]\s/.test(src(node)) || /^\[\[?\s+"?\$\{?\w+\}?"?\s+\]\]?$/.test(src(node));
        const inside = walk(node);
        for (let k = 0; k < inside.length; k++) {
          const n = inside[k]!;
          if (n.type === 'variable_name' || n.type === 'special_variable_name')
            tests.push({
              name: src(n),
              start: node.start,
              kind: isRegex ? 'regex' : isEmpty ? 'empty' : 'compare',
            });
        }
        break;
      }
      case 'case_statement': {
        const value = field(node, 'value');
        if (value)
          for (const n of walk(value))
            if (n.type === 'variable_name') tests.push({ name: src(n), start: node.start, kind: 'case' });
        break;
      }
    }
  }

  // Pipelines, redirects and conditions, from each command's surroundings.
  for (let cmdIndex = 0; cmdIndex < commands.length; cmdIndex++) {
    const cmd = commands[cmdIndex]!;
    let stmt: SNode = cmd.node;
    while (
      stmt.parent &&
      (stmt.parent.type === 'redirected_statement' || stmt.parent.type === 'negated_command')
    ) {
      if (stmt.parent.type === 'redirected_statement')
        cmd.redirects.push(...stmt.parent.children.filter((c) => c.field === 'redirect'));
      if (stmt.parent.type === 'negated_command') cmd.inCondition = true;
      stmt = stmt.parent;
    }
    const parent = stmt.parent;
    if (parent?.type === 'pipeline') {
      const members = parent.children.filter((c) => c.named);
      cmd.pipeIndex = members.indexOf(stmt);
      cmd.pipeline = members.map((m) => firstCommand(m, byNode)).filter((c): c is Command => c !== null);
      stmt = parent;
      while (stmt.parent?.type === 'redirected_statement' || stmt.parent?.type === 'negated_command')
        stmt = stmt.parent;
    }
    const container = stmt.parent;
    if (container?.type === 'list') {
      cmd.inCondition = true;
      const op = container.children.find((c) => !c.named && (c.type === '||' || c.type === '&&'));
      const left = container.children[0];
      if (op?.type === '||' && left === stmt) {
        const right = container.children[container.children.length - 1]!;
        cmd.orElse = src(right);
      }
    }
    for (let a = cmd.node.parent; a && !cmd.inCondition; a = a.parent) {
      if (
        (a.type === 'if_statement' || a.type === 'while_statement' || a.type === 'elif_clause') &&
        isInField(cmd.node, a, 'condition')
      )
        cmd.inCondition = true;
    }
    if (cmd.orElse && /\b(exit|return)\b/.test(cmd.orElse)) explicitChecks++;
    if (cmd.name === 'exit' && cmd.args[0]?.literal && cmd.args[0].literal !== '0') explicitChecks++;
    if (cmd.name === 'set') noteSetOptions(cmd, strict);
  }

  // Expansions with their context.
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k]!;
    const kind =
      node.type === 'simple_expansion' || node.type === 'expansion'
        ? 'var'
        : node.type === 'command_substitution'
          ? 'cmdsub'
          : node.type === 'arithmetic_expansion'
            ? 'arith'
            : node.type === 'process_substitution'
              ? 'procsub'
              : null;
    if (!kind) continue;
    const t = src(node);
    let name: string | null = null;
    if (kind === 'var') {
      const v = firstVariable(node);
      name = v ? src(v) : null;
    }
    const exp: Expansion = {
      node,
      kind,
      name,
      quoted: false,
      guarded: kind === 'var' && /^\$\{\w+:?\?/.test(t),
      length: kind === 'var' && t.startsWith('${#'),
      context: 'other',
      command: null,
    };
    classify(exp, byNode);
    expansions.push(exp);
    if (exp.command) {
      const word = exp.command.argv.find((w) => w.node.start <= node.start && node.end <= w.node.end);
      word?.expansions.push(exp);
    }
  }

  // Alert input flows through assignments (to a fixed point: a few passes suffice for straight-line scripts).
  const tainted = new Map<string, number>();
  for (let k = 0; k < expansions.length; k++) {
    const e = expansions[k]!;
    if (e.name && isTaintSource(e.name) && !tainted.has(e.name)) tainted.set(e.name, e.node.start);
  }
  for (let pass = 0; pass < 4; pass++) {
    let changed = false;
    for (let aIndex = 0; aIndex < assignments.length; aIndex++) {
      const a = assignments[aIndex]!;
      if (tainted.has(a.name) || !a.value) continue;
      const carries = expansions.some(
        (e) => carriesInput(tainted, e) && e.node.start >= a.valueStart && e.node.end <= a.valueEnd,
      );
      if (carries) {
        tainted.set(a.name, a.node.start);
        changed = true;
      }
    }
    // `read X <<< "$NP_Y"` and `... | read X`
    for (let cmdIndex = 0; cmdIndex < commands.length; cmdIndex++) {
      const cmd = commands[cmdIndex]!;
      if (cmd.name !== 'read') continue;
      const herestring =
        cmd.redirects.find((r) => r.type === 'herestring_redirect') ??
        cmd.node.children.find((r) => r.type === 'herestring_redirect');
      const input = herestring
        ? expansions.filter((e) => e.node.start >= herestring.start && e.node.end <= herestring.end)
        : [];
      if (input.some((e) => e.name && tainted.has(e.name)))
        for (const w of cmd.args)
          if (w.literal && /^[A-Za-z_]\w*$/.test(w.literal) && !tainted.has(w.literal)) {
            tainted.set(w.literal, cmd.node.start);
            changed = true;
          }
    }
    if (!changed) break;
  }

  const taintedExpansions = expansions.filter((e) => carriesInput(tainted, e));
  const statements = root.children.filter((c) => c.named && c.type !== 'comment');
  return {
    commands,
    expansions,
    assignments,
    tests,
    tainted,
    taintedExpansions,
    strict,
    comments,
    statements,
    explicitChecks,
  };
}

/** Does the expansion carry alert input: a tainted variable, not its length? */
export function carriesInput(tainted: ReadonlyMap<string, number>, e: Expansion): boolean {
  return e.name !== null && tainted.has(e.name) && !e.length;
}

function isInField(node: SNode, ancestor: SNode, name: string): boolean {
  const child = ancestor.children.find((c) => c.start <= node.start && node.end <= c.end);
  return child?.field === name;
}

/** The first variable name in the subtree, in document order (without caching a walk of every expansion). */
function firstVariable(node: SNode): SNode | null {
  if (node.type === 'variable_name' || node.type === 'special_variable_name') return node;
  for (let cIndex = 0; cIndex < node.children.length; cIndex++) {
    const c = node.children[cIndex]!;
    const v = firstVariable(c);
    if (v) return v;
  }
  return null;
}

function firstCommand(node: SNode, byNode: Map<SNode, Command>): Command | null {
  for (let nIndex = 0, nList = walk(node); nIndex < nList.length; nIndex++) {
    const n = nList[nIndex]!;
    const c = byNode.get(n);
    if (c) return c;
  }
  return null;
}

function classify(exp: Expansion, byNode: Map<SNode, Command>): void {
  let child = exp.node;
  for (let p = exp.node.parent; p; child = p, p = p.parent) {
    if (p.type === 'string' || p.type === 'heredoc_body') exp.quoted = true;
    switch (p.type) {
      case 'command': {
        const cmd = byNode.get(p) ?? null;
        if (child.type === 'variable_assignment') {
          exp.context = 'assign';
          return;
        }
        exp.command = cmd;
        exp.context = child.field === 'name' ? 'name' : 'arg';
        return;
      }
      case 'variable_assignment':
        exp.context = 'assign';
        return;
      case 'test_command':
        exp.context = 'test';
        return;
      case 'case_statement':
        exp.context = 'case';
        return;
      case 'file_redirect':
        exp.context = 'redirect';
        return;
      case 'heredoc_body':
        exp.context = 'heredoc';
        return;
      case 'for_statement':
        exp.context = 'for';
        return;
      case 'arithmetic_expansion':
        exp.context = 'arith';
        return;
      case 'command_substitution':
      case 'process_substitution':
        // an expansion inside $( … ) belongs to the inner command, which is a 'command' ancestor found earlier
        exp.context = 'other';
        return;
    }
  }
}

function unwrap(cmd: Command): void {
  let i = 0;
  const lit = (k: number) => cmd.argv[k]?.literal ?? null;
  for (;;) {
    const word = cmd.argv[i];
    if (!word) break;
    const name = word.literal === null ? null : basename(word.literal);
    if (!name || !WRAPPERS.has(name)) break;
    // `command -v x` is a lookup, not a wrapper.
    if (name === 'command' && (lit(i + 1) === '-v' || lit(i + 1) === '-V')) break;
    const options: string[] = [];
    let j = i + 1;
    const takesValue = OPTION_VALUES[name] ?? new Set<string>();
    while (j < cmd.argv.length) {
      const a = lit(j);
      if (a === null) break;
      if (name === 'env' && /^[A-Za-z_]\w*=/.test(a)) {
        options.push(a);
        j++;
        continue;
      }
      if (a === '--') {
        j++;
        break;
      }
      if (!a.startsWith('-') || a === '-') break;
      options.push(a);
      if (takesValue.has(a) && j + 1 < cmd.argv.length) {
        options.push(lit(j + 1) ?? cmd.argv[j + 1]!.text);
        j++;
      }
      j++;
    }
    if (name === 'timeout' && j < cmd.argv.length) {
      options.push(lit(j) ?? cmd.argv[j]!.text);
      j++;
    }
    if (name === 'nice' || name === 'ionice') {
      // handled by option values
    }
    cmd.wrappers.push({ name, options });
    i = j;
  }
  cmd.nameWord = cmd.argv[i] ?? null;
  cmd.name = cmd.nameWord?.literal ? basename(cmd.nameWord.literal) : null;
  cmd.args = cmd.argv.slice(i + 1);
}

function noteSetOptions(cmd: Command, strict: { errexit: number; nounset: number; pipefail: number }): void {
  const args = cmd.args.map((w) => w.literal ?? '');
  const at = cmd.node.start;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (/^-[a-zA-Z]+$/.test(a)) {
      if (a.includes('e') && strict.errexit < 0) strict.errexit = at;
      if (a.includes('u') && strict.nounset < 0) strict.nounset = at;
    }
    if (a === '-o' || a === '-eo' || a === '-euo') {
      const opt = args[k + 1];
      if (opt === 'pipefail' && strict.pipefail < 0) strict.pipefail = at;
      if (opt === 'errexit' && strict.errexit < 0) strict.errexit = at;
      if (opt === 'nounset' && strict.nounset < 0) strict.nounset = at;
    }
  }
}

/** The value of a word with no expansions, quotes removed; null if it expands anything. */
export function literalOf(node: SNode, text: string): string | null {
  const src = text.slice(node.start, node.end);
  switch (node.type) {
    case 'word':
    case 'number':
    case 'command_name':
      for (let k = 0; k < node.children.length; k++)
        if (node.children[k]!.named)
          return node.children.length === 1 ? literalOf(node.children[0]!, text) : null;
      return src.includes('\\') ? src.replace(/\\(.)/g, '$1') : src;
    case 'raw_string':
      return src.slice(1, -1);
    case 'string': {
      for (let k = 0; k < node.children.length; k++) {
        const c = node.children[k]!;
        if (c.named && c.type !== 'string_content') return null;
      }
      const inner = src.slice(1, -1);
      return inner.includes('\\') ? inner.replace(/\\([$`"\\])/g, '$1') : inner;
    }
    case 'ansi_c_string':
      return null;
    case 'concatenation': {
      let out = '';
      for (let cIndex = 0; cIndex < node.children.length; cIndex++) {
        const c = node.children[cIndex]!;
        const v = literalOf(c, text);
        if (v === null) return null;
        out += v;
      }
      return out;
    }
    default:
      return null;
  }
}

/** The flag-like arguments of a command, split so `-rf` yields r and f. */
export function shortFlags(cmd: Command): Set<string> {
  const out = new Set<string>();
  for (let wIndex = 0; wIndex < cmd.args.length; wIndex++) {
    const w = cmd.args[wIndex]!;
    const a = w.literal;
    if (!a || !a.startsWith('-') || a.startsWith('--')) continue;
    for (const ch of a.slice(1)) out.add(ch);
  }
  return out;
}

export function longFlags(cmd: Command): Set<string> {
  const out = new Set<string>();
  for (let wIndex = 0; wIndex < cmd.args.length; wIndex++) {
    const w = cmd.args[wIndex]!;
    const a = w.literal;
    if (a?.startsWith('--')) out.add(a.split('=')[0]!);
  }
  return out;
}

/** Literal arguments that do not start with a dash. */
export function operands(cmd: Command): Word[] {
  return cmd.args.filter((w) => !(w.literal ?? '').startsWith('-'));
}

export function hasSudo(cmd: Command): boolean {
  return cmd.wrappers.some((w) => w.name === 'sudo' || w.name === 'doas');
}
