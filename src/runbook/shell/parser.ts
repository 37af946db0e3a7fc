/**
 * A bash parser in JavaScript for the common shape of runbooks, producing the tree tree-sitter-bash produces (the
 * same node types, fields, anonymous tokens and offsets: the SNode tree that syntax.ts copies out of WebAssembly),
 * so the shell model and the rules read either alike (decision 0213).
 *
 * It is deliberately partial. It accepts the constructs whose tree it reproduces exactly and gives up (returns null)
 * on anything else: here-documents, case, arrays, arithmetic commands, backslashes outside quotes, process
 * substitution, brace and glob brackets, and syntax errors but one. The caller then parses with tree-sitter, which
 * also reports syntax errors (ROB004). parser.test.ts compares both trees on every shell fixture, the corpus, the
 * benchmark's generated runbooks and generated scripts.
 *
 * The one syntax error it reads is the commonest in runbooks: a template placeholder, `cmd --app <app_name>`, whose
 * `>` ends the line with no destination. It becomes an ERROR node after the statement, as tree-sitter-bash makes it
 * at the end of a text; elsewhere tree-sitter takes the next line for the destination, and this parser keeps that
 * line a statement of its own, as bash would if the line parsed.
 *
 * Where tree-sitter-bash 0.25 misreads valid bash, this parser reads bash: a pipeline of three or more commands
 * followed on the next line by a command with a redirect (`a | b | c\nd >f`) is one command for tree-sitter (`d` an
 * argument of `c`), two statements here.
 */
import type { SNode } from '../syntax';

/** Thrown to give the input to tree-sitter: caught in parseBash, never escapes. */
class Unsupported {}
const UNSUPPORTED = new Unsupported();

const LEAF: SNode[] = Object.freeze([]) as unknown as SNode[];

function leaf(type: string, named: boolean, start: number, end: number): SNode {
  return { type, field: null, start, end, named, missing: false, children: LEAF, parent: null, walked: null };
}

function node(
  type: string,
  children: SNode[],
  start = children[0]!.start,
  end = children[children.length - 1]!.end,
) {
  const n: SNode = {
    type,
    field: null,
    start,
    end,
    named: true,
    missing: false,
    children,
    parent: null,
    walked: null,
  };
  for (let i = 0; i < children.length; i++) children[i]!.parent = n;
  return n;
}

function withField(n: SNode, name: string): SNode {
  n.field = name;
  return n;
}

// character classes (char codes)
const SP = 32;
const TAB = 9;
const NL = 10;
const isBlank = (c: number) => c === SP || c === TAB;
/** tree-sitter-bash's SPECIAL_CHARACTERS and whitespace: what ends a word. */
const SPECIAL = new Uint8Array(128);
for (const ch of `'"<>{}[]()\`$|&;\\ \t\n\r\v\f`) SPECIAL[ch.charCodeAt(0)] = 1;
const isNameChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95; /* _ */
const isDigit = (c: number) => c >= 48 && c <= 57;

const KEYWORDS = new Set(['then', 'fi', 'elif', 'else', 'do', 'done', 'esac', 'in', '}']);
const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
]);
for (const w of ['in', 'function', 'select', 'coproc', 'time', '!', '{', '}', '[[', ']]']) RESERVED.add(w);
const DECLARATIONS = new Set(['declare', 'typeset', 'export', 'readonly', 'local']);
const EXPANSION_OPERATORS = [':-', ':=', ':?', ':+', '-', '=', '?', '+'];
const ARITH_OPERATORS = new Set(['+', '-', '*', '/', '%']);
const NUMBER = /^-?[0-9]+$/;
const TEST_OPERATOR = /^-[a-zA-Z]+$/;

/** Parses `text` into tree-sitter-bash's tree, or returns null when the text is outside what this parser reads. */
export function parseBash(text: string): SNode | null {
  try {
    return new BashParser(text).program();
  } catch (e) {
    if (e === UNSUPPORTED) return null;
    throw e;
  }
}

class BashParser {
  private pos = 0;
  private readonly comments: SNode[] = [];
  /** After statements(): the end of the newline that terminated its last statement, or -1. */
  private newlineEnd = -1;
  /** Closing backtick of the command substitution being read, or -1. */
  private backtickEnd = -1;
  /** Reading a redirect's destination, where a word may end glued to `<`/`>`. */
  private inDestination = false;
  /** A redirect operator that ends its line with no destination: an ERROR that follows the statement. */
  private danglingRedirect: SNode | null = null;

  constructor(private readonly text: string) {}

  private c(at = this.pos): number {
    return at < this.text.length ? this.text.charCodeAt(at) : -1;
  }

  private bail(): never {
    throw UNSUPPORTED;
  }

  private skipBlanks(): void {
    while (isBlank(this.c())) this.pos++;
  }

  /** Blanks, newlines and comments between statements. */
  private skipSeparators(): void {
    for (;;) {
      const c = this.c();
      if (c === SP || c === TAB || c === NL) this.pos++;
      else if (c === 35 /* # */) this.comment();
      else return;
    }
  }

  /** Blanks and newlines after `|`, `&&`, `||`: a comment there is outside what we reproduce. */
  private skipContinuation(): void {
    for (;;) {
      const c = this.c();
      if (c === SP || c === TAB || c === NL) this.pos++;
      else if (c === 35) this.bail();
      else return;
    }
  }

  private comment(): void {
    const start = this.pos;
    let end = this.text.indexOf('\n', start);
    if (end === -1) end = this.text.length;
    this.comments.push(leaf('comment', true, start, end));
    this.pos = end;
  }

  private token(type: string): SNode {
    const t = leaf(type, false, this.pos, this.pos + type.length);
    this.pos += type.length;
    return t;
  }

  private startsWith(s: string, at = this.pos): boolean {
    return this.text.startsWith(s, at);
  }

  /** The bare word at the cursor (no quotes or expansions in it), without consuming it, or null. */
  private peekWord(): string | null {
    let end = this.pos;
    while (end < this.text.length) {
      const c = this.text.charCodeAt(end);
      if (c < 128 ? SPECIAL[c] === 1 : true) break;
      end++;
    }
    if (end === this.pos) return null;
    const c = this.c(end);
    // glued to a quote, an expansion or a bracket: not a plain keyword
    if (
      c === 39 ||
      c === 34 ||
      c === 36 ||
      c === 92 ||
      c === 123 ||
      c === 125 ||
      c === 91 ||
      c === 93 ||
      c === 40
    ) {
      return null;
    }
    return this.text.slice(this.pos, end);
  }

  program(): SNode {
    for (let i = 0; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 13 || c === 11 || c === 12) this.bail();
    }
    const children = this.statements(false, null);
    this.skipSeparators();
    if (this.pos !== this.text.length) this.bail();
    const root = node('program', children, 0, 0);
    for (const comment of this.comments) insertComment(root, comment);
    // tree-sitter's root runs from its first token (leading blanks are padding) to the end of the text
    root.start = children.length > 0 ? children[0]!.start : this.text.length;
    root.end = this.text.length;
    return root;
  }

  /**
   * Statements with their `;`/`&` terminators up to a closer (end of input, `)`, a keyword in `closers`, the closing
   * backtick). `terminated`: every statement must end with a terminator (tree-sitter's _terminated_statement).
   */
  private statements(terminated: boolean, closers: Set<string> | null, field: string | null = null): SNode[] {
    const out: SNode[] = [];
    this.newlineEnd = -1;
    // a command substitution in a redirect's destination reads its words as words
    const inDestination = this.inDestination;
    this.inDestination = false;
    for (;;) {
      this.skipSeparators();
      if (this.atCloser(closers)) {
        this.inDestination = inDestination;
        return out;
      }
      const stmt = this.andOr();
      if (field) stmt.field = field;
      out.push(stmt);
      if (this.danglingRedirect) {
        out.push(this.danglingRedirect);
        this.danglingRedirect = null;
      }
      this.skipBlanks();
      const c = this.c();
      if (c === 59 /* ; */) {
        if (this.c(this.pos + 1) === 59 || this.c(this.pos + 1) === 38) this.bail();
        const t = this.token(';');
        if (field) t.field = field;
        out.push(t);
        this.newlineEnd = -1;
      } else if (c === 38 /* & */) {
        const t = this.token('&');
        if (field) t.field = field;
        out.push(t);
        this.newlineEnd = -1;
      } else if (c === NL || c === 35) {
        // a newline terminates without a node (a comment runs to one), but it counts in the span of a clause: the
        // whole run of newlines, one token to tree-sitter-bash
        let nl = this.text.indexOf('\n', this.pos);
        if (nl !== -1) while (this.text.charCodeAt(nl) === NL) nl++;
        this.newlineEnd = nl;
      } else if (terminated || !this.atCloser(closers)) {
        this.bail();
      }
    }
  }

  private atCloser(closers: Set<string> | null): boolean {
    const c = this.c();
    if (c === -1) return true;
    if (c === 125 /* } */) return closers === CLOSE_BRACE;
    if (c === 41 /* ) */) return true;
    if (c === 96 /* ` */) return this.pos === this.backtickEnd;
    if (closers) {
      const w = this.peekWord();
      if (w !== null && closers.has(w)) return true;
    }
    return false;
  }

  /** Pipelines joined by `&&`/`||`, and redirects that wrap what precedes them (tree-sitter's reading). */
  private andOr(): SNode {
    let s = this.unit();
    for (;;) {
      this.skipBlanks();
      const c = this.c();
      const c2 = this.c(this.pos + 1);
      if (this.atRedirect()) {
        s = this.redirected(s);
      } else if (c === 124 /* | */ && c2 !== 124) {
        if (c2 === 38) this.bail(); // |&
        s = this.pipe(s);
      } else if ((c === 38 && c2 === 38) || (c === 124 && c2 === 124)) {
        // tree-sitter nests `a | b | c && d` as a | (b | c && d): given up
        if (s.type === 'pipeline' && s.children.length > 3) this.bail();
        const op = this.token(c === 38 ? '&&' : '||');
        this.skipContinuation();
        const right = this.unit();
        s = node('list', [s, op, right]);
      } else {
        return s;
      }
    }
  }

  private pipe(s: SNode): SNode {
    const bar = this.token('|');
    this.skipContinuation();
    const next = this.unit();
    // an assignment in a pipeline pulls a following list into the pipeline in tree-sitter's tree: given up
    if (next.type === 'variable_assignment' || next.type === 'variable_assignments') this.bail();
    if (s.type === 'pipeline') return appendTo(s, bar, next);
    if (s.type === 'list') {
      const right = s.children[2]!;
      if (right.type === 'redirected_statement') this.bail();
      const piped =
        right.type === 'pipeline' ? appendTo(right, bar, next) : node('pipeline', [right, bar, next]);
      s.children[2] = piped;
      piped.parent = s;
      s.end = piped.end;
      return s;
    }
    if (s.type === 'redirected_statement' && s.children[0]!.type === 'list') this.bail();
    return node('pipeline', [s, bar, next]);
  }

  private atRedirect(): boolean {
    const c = this.c();
    if (c === 62 /* > */ || c === 60 /* < */) return true;
    if (c === 38 && this.c(this.pos + 1) === 62) return true; // &>
    if (isDigit(c)) {
      let i = this.pos;
      while (isDigit(this.c(i))) i++;
      const n = this.c(i);
      return n === 62 || n === 60;
    }
    return false;
  }

  /** `s` followed by file redirects: one redirected_statement around it. */
  private redirected(s: SNode): SNode {
    const children = [withField(s, 'body')];
    while (this.atRedirect()) {
      const r = this.fileRedirect();
      if (r.type === 'ERROR') {
        // tree-sitter-bash's reading at the end of the text: the statement without it, the ERROR after it
        this.danglingRedirect = r;
        if (children.length > 1) return node('redirected_statement', children);
        s.field = null;
        return s;
      }
      children.push(withField(r, 'redirect'));
      this.skipBlanks();
    }
    const c = this.c();
    // a word after the redirect becomes a second destination in tree-sitter's tree
    if (c !== -1 && c !== NL && c !== 59 && c !== 38 && c !== 124 && c !== 41 && c !== 35 && c !== 96)
      this.bail();
    return node('redirected_statement', children);
  }

  private fileRedirect(): SNode {
    const start = this.pos;
    const children: SNode[] = [];
    if (isDigit(this.c())) {
      let i = this.pos;
      while (isDigit(this.c(i))) i++;
      children.push(withField(leaf('file_descriptor', true, this.pos, i), 'descriptor'));
      this.pos = i;
    }
    let op: string | null = null;
    for (const candidate of ['&>>', '&>', '>>', '>&', '<&', '>|', '>', '<']) {
      if (this.startsWith(candidate)) {
        op = candidate;
        break;
      }
    }
    if (op === null || this.startsWith('<<') || this.startsWith('<(') || this.startsWith('>(')) this.bail();
    if (this.startsWith('>&-') || this.startsWith('<&-') || this.startsWith('<>')) this.bail();
    children.push(this.token(op));
    this.skipBlanks();
    this.inDestination = true;
    const dest = this.literal();
    this.inDestination = false;
    if (!dest) {
      // `cmd <app_name>` ends its line on a bare `>`: a syntax error to bash (unexpected newline), so an ERROR node,
      // and the next line its own statement (tree-sitter-bash makes it the destination: decision 0213)
      const c = this.c();
      if ((c === NL || c === -1) && children.length === 1) return node('ERROR', children, start);
      this.bail();
    }
    children.push(withField(dest, 'destination'));
    return node('file_redirect', children, start);
  }

  /** One statement short of pipelines and lists. */
  private unit(): SNode {
    this.skipBlanks();
    const c = this.c();
    if (c === 40 /* ( */) {
      if (this.c(this.pos + 1) === 40) this.bail();
      return this.subshell();
    }
    if (c === 33 /* ! */ && isBlank(this.c(this.pos + 1))) {
      const bang = this.token('!');
      this.skipBlanks();
      const inner = this.unit();
      if (inner.type !== 'command' && inner.type !== 'test_command' && inner.type !== 'subshell') this.bail();
      return node('negated_command', [bang, inner]);
    }
    if (c === 91 /* [ */) return this.test();
    const w = this.peekWord();
    if (w !== null) {
      switch (w) {
        case 'if':
          return this.ifStatement();
        case 'while':
        case 'until':
          return this.whileStatement(w);
        case 'for':
          return this.forStatement();
        case 'function':
          return this.functionDefinition();
        case 'case':
        case 'select':
        case 'coproc':
        case '[[':
        case ']]':
          this.bail();
      }
      if (KEYWORDS.has(w)) this.bail();
      if (DECLARATIONS.has(w)) return this.declaration(w, 'declaration_command');
      if (w === 'unset' || w === 'unsetenv') return this.declaration(w, 'unset_command');
    }
    if (c === 123 /* { */ && (isBlank(this.c(this.pos + 1)) || this.c(this.pos + 1) === NL))
      return this.compound();
    return this.command();
  }

  private subshell(): SNode {
    const open = this.token('(');
    const body = this.statements(false, null);
    this.skipSeparators();
    if (this.c() !== 41 || body.length === 0) this.bail();
    return node('subshell', [open, ...body, this.token(')')]);
  }

  private keyword(word: string): SNode {
    this.skipSeparators();
    if (this.peekWord() !== word) this.bail();
    return this.token(word);
  }

  private ifStatement(): SNode {
    const children = [this.token('if')];
    const condition = this.statements(true, THEN, 'condition');
    if (condition.length === 0) this.bail();
    children.push(...condition, this.keyword('then'));
    children.push(...this.statements(true, IF_BODY));
    for (;;) {
      this.skipSeparators();
      const w = this.peekWord();
      if (w === 'elif') {
        const clause = [this.token('elif')];
        const cond = this.statements(true, THEN);
        if (cond.length === 0) this.bail();
        clause.push(...cond, this.keyword('then'), ...this.statements(true, IF_BODY));
        children.push(this.clause('elif_clause', clause));
      } else if (w === 'else') {
        const clause = [this.token('else'), ...this.statements(true, FI)];
        children.push(this.clause('else_clause', clause));
      } else {
        break;
      }
    }
    children.push(this.keyword('fi'));
    return node('if_statement', children);
  }

  /** An elif or else clause: it has no closing token, so the newline after its last statement ends it. */
  private clause(type: string, children: SNode[]): SNode {
    const n = node(type, children);
    if (this.newlineEnd > n.end) n.end = this.newlineEnd;
    return n;
  }

  private whileStatement(w: string): SNode {
    const children = [this.token(w)];
    const condition = this.statements(true, DO, 'condition');
    if (condition.length === 0) this.bail();
    children.push(...condition, withField(this.doGroup(), 'body'));
    return node('while_statement', children);
  }

  private doGroup(): SNode {
    const open = this.keyword('do');
    const body = this.statements(true, DONE);
    return node('do_group', [open, ...body, this.keyword('done')]);
  }

  private forStatement(): SNode {
    const children = [this.token('for')];
    this.skipBlanks();
    const name = this.peekWord();
    if (name === null || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.bail();
    children.push(withField(leaf('variable_name', true, this.pos, this.pos + name.length), 'variable'));
    this.pos += name.length;
    this.skipBlanks();
    if (this.peekWord() !== 'in') this.bail();
    children.push(this.token('in'));
    let values = 0;
    for (;;) {
      this.skipBlanks();
      const c = this.c();
      if (c === 59) {
        children.push(this.token(';'));
        break;
      }
      if (c === NL) break;
      const value = this.literal();
      if (!value) this.bail();
      children.push(withField(value, 'value'));
      values++;
    }
    if (values === 0) this.bail();
    children.push(withField(this.doGroup(), 'body'));
    return node('for_statement', children);
  }

  private compound(): SNode {
    const open = this.token('{');
    const body = this.statements(true, CLOSE_BRACE);
    this.skipSeparators();
    if (this.c() !== 125) this.bail();
    return node('compound_statement', [open, ...body, this.token('}')]);
  }

  private functionDefinition(): SNode {
    const children = [this.token('function')];
    this.skipBlanks();
    const start = this.pos;
    while (this.pos < this.text.length && !isWordEnd(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) this.bail();
    children.push(withField(leaf('word', true, start, this.pos), 'name'));
    if (this.c() === 40) {
      if (this.c(this.pos + 1) !== 41) this.bail();
      children.push(this.token('('), this.token(')'));
    }
    return this.functionBody(children);
  }

  private functionBody(children: SNode[]): SNode {
    this.skipSeparators();
    const after = this.c(this.pos + 1);
    if (this.c() !== 123 || !(isBlank(after) || after === NL)) this.bail();
    children.push(withField(this.compound(), 'body'));
    return node('function_definition', children);
  }

  private declaration(w: string, type: string): SNode {
    const children = [this.token(w)];
    for (;;) {
      this.skipBlanks();
      if (this.atArgumentEnd()) break;
      const assignment = this.assignment();
      if (assignment) {
        children.push(assignment);
        continue;
      }
      const word = this.peekWord();
      if (word !== null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) {
        children.push(leaf('variable_name', true, this.pos, this.pos + word.length));
        this.pos += word.length;
        continue;
      }
      const value = this.literal();
      if (!value) this.bail();
      children.push(value);
    }
    return node(type, children);
  }

  /** What ends a command's words: end of input, a terminator, an operator, a closer, a comment. */
  private atArgumentEnd(): boolean {
    const c = this.c();
    return (
      c === -1 ||
      c === NL ||
      c === 59 ||
      c === 38 ||
      c === 124 ||
      c === 41 ||
      c === 35 ||
      c === 96 ||
      this.atRedirect()
    );
  }

  /** `NAME=value` or `NAME+=value` at the cursor, or null (cursor unmoved). */
  private assignment(): SNode | null {
    const start = this.pos;
    let i = start;
    const first = this.c(i);
    if (!isNameChar(first)) return null;
    while (isNameChar(this.c(i))) i++;
    // `2=x` is an assignment to tree-sitter-bash, a command to bash: given up
    if (isDigit(first) && (this.c(i) === 61 || this.c(i) === 43)) this.bail();
    if (isDigit(first)) return null;
    let op: string;
    if (this.c(i) === 61 /* = */) op = '=';
    else if (this.c(i) === 43 && this.c(i + 1) === 61) op = '+=';
    else return null;
    const name = withField(leaf('variable_name', true, start, i), 'name');
    this.pos = i;
    const eq = this.token(op);
    const next = this.c();
    if (next === 40 /* ( array */) this.bail();
    if (next === -1 || isBlank(next) || next === NL) return node('variable_assignment', [name, eq]);
    // (`x=|…`, `x=;`: a missing value to tree-sitter-bash)
    if (next === 59 || next === 38 || next === 124 || next === 41) this.bail();
    const value = this.literal();
    if (!value) this.bail();
    return node('variable_assignment', [name, eq, withField(value, 'value')]);
  }

  private command(): SNode {
    const start = this.pos;
    const assignments: SNode[] = [];
    for (;;) {
      const a = this.assignment();
      if (!a) break;
      assignments.push(a);
      this.skipBlanks();
      if (this.atArgumentEnd()) {
        if (this.atRedirect()) this.bail();
        return assignments.length === 1 ? assignments[0]! : node('variable_assignments', assignments);
      }
    }
    if (this.atRedirect()) this.bail();
    const nameWord = this.literal();
    if (!nameWord) this.bail();
    // a number, a word with `#` or `=` or one that starts with `-`: an error or an assignment to tree-sitter-bash
    const nameText = this.text.slice(nameWord.start, nameWord.end);
    if (
      nameWord.type === 'number' ||
      nameText.includes('#') ||
      nameText.includes('=') ||
      nameText.startsWith('-')
    ) {
      this.bail();
    }
    // `name()` defines a function
    if (nameWord.type === 'word' && assignments.length === 0) {
      const save = this.pos;
      this.skipBlanks();
      if (this.c() === 40 && this.c(this.pos + 1) === 41) {
        const parens = [this.token('('), this.token(')')];
        return this.functionBody([withField(nameWord, 'name'), ...parens]);
      }
      this.pos = save;
    }
    // a reserved word glued to a quote or an expansion (`if$a`) is an error to tree-sitter-bash
    const head = nameWord.type === 'concatenation' ? nameWord.children[0]! : nameWord;
    if (head.type === 'word' && RESERVED.has(this.text.slice(head.start, head.end))) this.bail();
    const children = [...assignments, withField(node('command_name', [nameWord]), 'name')];
    for (;;) {
      this.skipBlanks();
      if (this.startsWith('<<<')) {
        children.push(withField(this.herestring(), 'redirect'));
        continue;
      }
      if (this.atArgumentEnd()) break;
      const c = this.c();
      if (c === 123 || c === 125 || c === 91 || c === 93 || c === 40) this.bail();
      if (this.startsWith('==') || this.startsWith('=~')) this.bail();
      const arg = this.literal();
      if (!arg) this.bail();
      children.push(withField(arg, 'argument'));
    }
    return node('command', children, start);
  }

  private herestring(): SNode {
    const op = this.token('<<<');
    this.skipBlanks();
    const value = this.literal();
    if (!value) this.bail();
    return node('herestring_redirect', [op, value]);
  }

  private test(): SNode {
    if (this.startsWith('[[')) {
      if (!isBlank(this.c(this.pos + 2))) this.bail();
      const open = this.token('[[');
      const expr = this.testExpression(true);
      return node('test_command', [open, expr, this.testClose(']]')]);
    }
    if (!isBlank(this.c(this.pos + 1))) this.bail();
    const open = this.token('[');
    const expr = this.testExpression(false);
    return node('test_command', [open, expr, this.testClose(']')]);
  }

  private testClose(close: string): SNode {
    this.skipBlanks();
    if (!this.startsWith(close)) this.bail();
    const after = this.c(this.pos + close.length);
    if (
      after !== -1 &&
      !isBlank(after) &&
      after !== NL &&
      after !== 59 &&
      after !== 38 &&
      after !== 124 &&
      after !== 41
    )
      this.bail();
    return this.token(close);
  }

  /** The operand of a test: a literal that is not the closing bracket. */
  private testOperand(): SNode {
    this.skipBlanks();
    const c = this.c();
    if (c === 93 || c === 33 || c === 40 || c === 91 || this.atArgumentEnd()) this.bail();
    const value = this.literal();
    if (!value) this.bail();
    return value;
  }

  private testExpression(double: boolean): SNode {
    this.skipBlanks();
    const w = this.peekWord();
    if (w !== null && TEST_OPERATOR.test(w)) {
      if (w === '-a' || w === '-o') this.bail();
      const op = withField(leaf('test_operator', true, this.pos, this.pos + w.length), 'operator');
      this.pos += w.length;
      const operand = this.testOperand();
      this.skipBlanks();
      if (this.c() !== 93) this.bail();
      return node('unary_expression', [op, operand]);
    }
    const left = this.testOperand();
    this.skipBlanks();
    if (this.c() === 93) return left;
    const opWord = this.peekWord();
    let op: SNode;
    if (opWord !== null && TEST_OPERATOR.test(opWord) && opWord !== '-a' && opWord !== '-o') {
      op = leaf('test_operator', true, this.pos, this.pos + opWord.length);
      this.pos += opWord.length;
    } else if (opWord === '==' || opWord === '!=' || opWord === '=') {
      op = this.token(opWord);
      // tree-sitter-bash's scanner may read a bare word on the right of `==`, `!=` and `[[ = ]]` as an
      // extglob_pattern or a regex (`[[ $x == y ]]` but not `[[ $x == high ]]`): given up; quoted or expanded, it is
      // a plain operand. Only `[ a = b ]` always reads a word.
      const bareIsPattern = double || opWord !== '=';
      this.skipBlanks();
      const first = this.c();
      if (bareIsPattern && first !== 34 && first !== 39 && first !== 36) {
        // what the scanner does read as a word: two or more letters
        const bare = /^[A-Za-z]{2,}(?=[ \t])/.exec(this.text.slice(this.pos, this.pos + 64));
        if (!double || opWord === '=' || !bare) this.bail();
      }
    } else {
      return this.bail();
    }
    const right = this.testOperand();
    if (double && op.type !== 'test_operator' && /[*?[]/.test(this.text.slice(right.start, right.end)))
      this.bail();
    this.skipBlanks();
    if (this.c() !== 93) this.bail();
    return node('binary_expression', [
      withField(left, 'left'),
      withField(op, 'operator'),
      withField(right, 'right'),
    ]);
  }

  /**
   * A word: adjacent pieces (bare text, quoted strings, expansions) with no blank between them; one piece stands
   * alone, several make a concatenation. Null when no piece starts at the cursor.
   */
  private literal(): SNode | null {
    const pieces: SNode[] = [];
    for (;;) {
      const piece = this.piece();
      if (!piece) break;
      pieces.push(piece);
    }
    if (pieces.length === 0) return null;
    if (pieces.length === 1) return pieces[0]!;
    // tree-sitter-bash splits a`b`c into two words: given up
    for (let i = 1; i < pieces.length - 1; i++) if (pieces[i]!.children[0]?.type === '`') this.bail();
    // and a$b$c.log or a$b$1 at the second `$`, leaving a bare `$` token: given up
    for (let i = 2; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (this.c(p.start) !== 36) continue;
      if (
        i < pieces.length - 1 ||
        (p.type === 'simple_expansion' && (!isNameChar(this.c(p.start + 1)) || isDigit(this.c(p.start + 1))))
      ) {
        this.bail();
      }
    }
    return node('concatenation', pieces);
  }

  private piece(): SNode | null {
    const c = this.c();
    if (c === -1) return null;
    if (c === 39 /* ' */) {
      const end = this.text.indexOf("'", this.pos + 1);
      if (end === -1) this.bail();
      const raw = leaf('raw_string', true, this.pos, end + 1);
      this.pos = end + 1;
      return raw;
    }
    if (c === 34 /* " */) return this.string();
    if (c === 36 /* $ */) return this.dollar(false);
    if (c === 96 /* ` */) {
      if (this.pos === this.backtickEnd) return null;
      return this.backticks();
    }
    if (c === 92 /* \ */) this.bail();
    if (c < 128 && SPECIAL[c] === 1) {
      if (c === 123 || c === 125 || c === 91 || c === 93) this.bail();
      return null;
    }
    if (c === 35 /* # */) {
      // a word never starts with `#`: after a blank it opens a comment; glued to a quote or expansion, we give up
      const before = this.pos === 0 ? NL : this.text.charCodeAt(this.pos - 1);
      if (isBlank(before) || before === NL || before === 59 || before === 38 || before === 124) return null;
      this.bail();
    }
    const start = this.pos;
    let i = start;
    while (i < this.text.length) {
      const d = this.text.charCodeAt(i);
      if (d >= 128) this.bail();
      if (SPECIAL[d] === 1) break;
      i++;
    }
    const d = this.c(i);
    if ((d === 62 || d === 60) && NUMBER.test(this.text.slice(start, i))) {
      // digits before `>`/`<` are a file descriptor: a redirect, not a word (glued to a quote: given up)
      const before = start === 0 ? NL : this.text.charCodeAt(start - 1);
      if (this.text.charCodeAt(start) === 45 || !(isBlank(before) || before === NL)) this.bail();
      return null;
    }
    // a word glued to `<`/`>` ends there only as a redirect's destination (`<app_name>`) in tree-sitter-bash
    if ((d === 62 || d === 60) && !this.inDestination) this.bail();
    this.pos = i;
    const word = this.text.slice(start, i);
    if (NUMBER.test(word)) return leaf('number', true, start, i);
    if (/^-?[0-9]+#/.test(word) || /^-?0x[0-9]+$/.test(word)) this.bail();
    return leaf('word', true, start, i);
  }

  private string(): SNode {
    const start = this.pos;
    const children = [this.token('"')];
    let segment = this.pos;
    let blankOnly = true;
    const flush = (end: number) => {
      if (end > segment && !blankOnly) children.push(leaf('string_content', true, segment, end));
    };
    for (;;) {
      const c = this.c();
      if (c === -1) this.bail();
      if (c === 34) {
        flush(this.pos);
        const close = this.token('"');
        if (blankOnly && segment < close.start) close.start = segment; // blanks are lexed into the closing quote
        children.push(close);
        return node('string', children, start);
      }
      if (c === NL) {
        flush(this.pos);
        this.pos++;
        segment = this.pos;
        blankOnly = true;
        continue;
      }
      if (c === 36 || c === 96) {
        flush(this.pos);
        const piece =
          c === 36 && this.c(this.pos + 1) === 34
            ? this.token('$')
            : c === 36
              ? this.dollar(true)
              : this.backticks();
        if (blankOnly && segment < piece.start) {
          // blanks before an expansion are lexed into its opening token
          piece.start = segment;
          if (piece.children.length > 0) piece.children[0]!.start = segment;
        }
        children.push(piece);
        segment = this.pos;
        blankOnly = true;
        continue;
      }
      if (c === 92) {
        const n = this.c(this.pos + 1);
        if (n !== 34 && n !== 92 && n !== 36 && n !== 96) this.bail();
        blankOnly = false;
        this.pos += 2;
        continue;
      }
      if (!isBlank(c)) blankOnly = false;
      this.pos++;
    }
  }

  /** `$NAME`, `${…}`, `$(…)`, `$((…))`, `$'…'` at the cursor. */
  private dollar(inString: boolean): SNode {
    const start = this.pos;
    const n = this.c(start + 1);
    if (n === 40 /* ( */) {
      if (this.c(start + 2) === 40) return this.arithmetic();
      const open = this.token('$(');
      const body = this.statements(false, null);
      this.skipSeparators();
      if (this.c() !== 41 || body.length === 0) this.bail();
      return node('command_substitution', [open, ...body, this.token(')')]);
    }
    if (n === 123 /* { */) return this.expansion();
    if (n === 39 && !inString) {
      let i = start + 2;
      while (i < this.text.length && this.text.charCodeAt(i) !== 39) {
        if (this.text.charCodeAt(i) === 92) this.bail();
        i++;
      }
      if (i >= this.text.length) this.bail();
      this.pos = i + 1;
      return leaf('ansi_c_string', true, start, i + 1);
    }
    const dollar = this.token('$');
    if (isDigit(n)) {
      let i = this.pos;
      while (isDigit(this.c(i))) i++;
      if (isNameChar(this.c(i))) this.bail(); // `$1a`: one name to tree-sitter-bash, `$1` then `a` to bash
      if (this.c(i) === 60 || this.c(i) === 62) this.bail(); // `$1<a`: an error to tree-sitter-bash
      const name = leaf('variable_name', true, this.pos, i);
      this.pos = i;
      return node('simple_expansion', [dollar, name], start);
    }
    if (isNameChar(n)) {
      let i = this.pos;
      while (isNameChar(this.c(i))) i++;
      const underscoreAlone = i === this.pos + 1 && n === 95;
      const name = leaf(underscoreAlone ? 'special_variable_name' : 'variable_name', true, this.pos, i);
      this.pos = i;
      return node('simple_expansion', [dollar, name], start);
    }
    if (n === 64 || n === 42 || n === 63 || n === 35 || n === 33 || n === 45) {
      // $@ $* $? $# $! $- (`$$` and a special glued to a name, `$?x`, are read otherwise by tree-sitter-bash)
      if (isNameChar(this.c(this.pos + 1))) this.bail();
      const name = leaf('special_variable_name', true, this.pos, this.pos + 1);
      this.pos++;
      return node('simple_expansion', [dollar, name], start);
    }
    return this.bail();
  }

  private expansion(): SNode {
    const start = this.pos;
    const children = [this.token('${')];
    if (this.c() === 35 /* # */) children.push(withField(this.token('#'), 'operator'));
    let i = this.pos;
    while (isNameChar(this.c(i))) i++;
    if (i === this.pos) this.bail();
    const nameText = this.text.slice(this.pos, i);
    if (isDigit(nameText.charCodeAt(0)) && !NUMBER.test(nameText)) this.bail();
    children.push(leaf('variable_name', true, this.pos, i));
    this.pos = i;
    if (this.c() === 125) {
      children.push(this.token('}'));
      return node('expansion', children, start);
    }
    if (children.length > 2) this.bail(); // ${#X…}
    const op = EXPANSION_OPERATORS.find((o) => this.startsWith(o));
    if (!op) this.bail();
    children.push(withField(this.token(op), 'operator'));
    const c = this.c();
    if (c === 125) {
      children.push(this.token('}'));
      return node('expansion', children, start);
    }
    let value: SNode;
    if (c === 34) value = this.string();
    else if (c === 36) value = this.dollar(true);
    else {
      let j = this.pos;
      for (;;) {
        const d = this.c(j);
        if (d === -1 || d >= 128) this.bail();
        if (d === 125) break;
        if ((SPECIAL[d] === 1 && !isBlank(d)) || d === 35) this.bail();
        j++;
      }
      value = this.expansionWord(this.pos, j);
      this.pos = j;
    }
    children.push(value);
    if (this.c() !== 125) this.bail();
    children.push(this.token('}'));
    return node('expansion', children, start);
  }

  /**
   * The word after an expansion's operator. tree-sitter-bash's scanner reads a leading name followed by `-`, `=` or
   * `@` as a variable_name (`${X:-i-0}` is variable_name `i`, word `-0`); other characters after a name are given up.
   */
  private expansionWord(start: number, end: number): SNode {
    const blank = this.text.slice(start, end).search(/[ \t]/);
    if (blank !== -1) {
      // `${X:?X is not set}`: the first word, then the rest from the blank on as one word
      const split = start + blank;
      for (let k = start; k < end; k++) {
        const c = this.text.charCodeAt(k);
        if (
          k < split
            ? !isNameChar(c)
            : !(isNameChar(c) || c === SP || c === 45 || c === 46 || c === 44 || c === 58)
        )
          this.bail();
      }
      if (split === start) this.bail();
      return node('concatenation', [leaf('word', true, start, split), leaf('word', true, split, end)]);
    }
    let i = start;
    while (i < end && isNameChar(this.text.charCodeAt(i))) i++;
    if (i === start || i === end) return leaf('word', true, start, end);
    const after = this.text.charCodeAt(i);
    if (after === 46 || after === 47 || after === 58 || after === 44) return leaf('word', true, start, end); // . / : ,
    if (after !== 45 && after !== 61 && after !== 64) this.bail(); // - = @
    for (let k = i + 1; k < end; k++) {
      const c = this.text.charCodeAt(k);
      if (!(isNameChar(c) || c === 45 || c === 46 || c === 47 || c === 58)) this.bail();
    }
    return node('concatenation', [leaf('variable_name', true, start, i), leaf('word', true, i, end)]);
  }

  /** `$(( a op b ))` with one operator at most. */
  private arithmetic(): SNode {
    const start = this.pos;
    const open = this.token('$((');
    const operand = (): SNode => {
      this.skipBlanks();
      const c = this.c();
      let i = this.pos;
      if (isDigit(c)) {
        while (isDigit(this.c(i))) i++;
        if (isNameChar(this.c(i))) this.bail();
        const n = leaf('number', true, this.pos, i);
        this.pos = i;
        return n;
      }
      if (c === 36) {
        const e = this.dollar(true);
        if (e.type !== 'simple_expansion' || e.children[1]!.type !== 'variable_name') this.bail();
        return e;
      }
      if (isNameChar(c)) {
        while (isNameChar(this.c(i))) i++;
        const n = leaf('variable_name', true, this.pos, i);
        this.pos = i;
        return n;
      }
      return this.bail();
    };
    const left = operand();
    this.skipBlanks();
    let expr = left;
    const op = String.fromCharCode(this.c());
    if (ARITH_OPERATORS.has(op) && this.c(this.pos + 1) !== this.c() && this.c(this.pos + 1) !== 61) {
      const operator = withField(this.token(op), 'operator');
      const right = operand();
      expr = node('binary_expression', [withField(left, 'left'), operator, withField(right, 'right')]);
      this.skipBlanks();
    }
    if (!this.startsWith('))')) this.bail();
    return node('arithmetic_expansion', [open, expr, this.token('))')], start);
  }

  private backticks(): SNode {
    const start = this.pos;
    const end = this.text.indexOf('`', start + 1);
    if (end === -1) this.bail();
    for (let i = start + 1; i < end; i++) if (this.text.charCodeAt(i) === 92) this.bail();
    const outer = this.backtickEnd;
    this.backtickEnd = end;
    const open = this.token('`');
    const body = this.statements(false, null);
    this.skipSeparators();
    if (this.pos !== end || body.length === 0) this.bail();
    this.backtickEnd = outer;
    return node('command_substitution', [open, ...body, this.token('`')], start);
  }
}

const THEN = new Set(['then']);
const IF_BODY = new Set(['elif', 'else', 'fi']);
const FI = new Set(['fi']);
const DO = new Set(['do']);
const DONE = new Set(['done']);
const CLOSE_BRACE = new Set(['}']);

function isWordEnd(c: number): boolean {
  return c < 128 && SPECIAL[c] === 1;
}

function appendTo(pipeline: SNode, bar: SNode, next: SNode): SNode {
  const children = pipeline.children;
  children.push(bar, next);
  bar.parent = pipeline;
  next.parent = pipeline;
  pipeline.end = next.end;
  return pipeline;
}

/** The nodes whose comments this parser places as tree-sitter does; a comment anywhere else gives up. */
const COMMENT_PARENTS = new Set([
  'program',
  'compound_statement',
  'do_group',
  'if_statement',
  'else_clause',
  'elif_clause',
]);

/** Comments go to the innermost node that spans them, among its children by offset, as tree-sitter places extras. */
function insertComment(root: SNode, comment: SNode): void {
  let parent = root;
  for (;;) {
    let inner: SNode | null = null;
    // (an index loop: Maglev, all a large run optimises with, allocates an iterator result per for-of step here)
    const candidates = parent.children;
    for (let i = 0; i < candidates.length; i++) {
      const child = candidates[i]!;
      if (child.start <= comment.start && comment.end <= child.end && child.children.length > 0) {
        inner = child;
        break;
      }
    }
    if (!inner) break;
    parent = inner;
  }
  if (!COMMENT_PARENTS.has(parent.type)) throw UNSUPPORTED;
  const children = parent.children;
  let at = children.length;
  for (let i = 0; i < children.length; i++) {
    if (children[i]!.start >= comment.end) {
      at = i;
      break;
    }
  }
  children.splice(at, 0, comment);
  comment.parent = parent;
}
