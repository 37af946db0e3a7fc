/**
 * The JavaScript bash parser against tree-sitter-bash, its reference: on every text it accepts, its tree must be
 * tree-sitter's, node for node (type, field, offsets, named, anonymous tokens); on every text tree-sitter reads
 * with an error it must give up. The one sanctioned difference is tree-sitter's misreading of valid bash (a
 * command running across a bare newline), where ours must keep the lines apart.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, HEAVY, rng, runbook } from '../../../scripts/bench/lint-corpus.mjs';
import { CASES } from '../rules/fixtures';
import { type LoadedParser, loadParser, parseToTree, type SNode } from '../syntax';
import { parseBash } from './parser';

/** A node without its links up (parent, walk cache), for toEqual. */
type Shape = Omit<SNode, 'children' | 'parent' | 'walked'> & { children: Shape[] };

function shape(n: SNode): Shape {
  const { type, field, start, end, named, missing } = n;
  return { type, field, start, end, named, missing, children: n.children.map(shape) };
}

function nodes(n: SNode): SNode[] {
  return [n, ...n.children.flatMap(nodes)];
}

const hasError = (root: SNode) => nodes(root).some((n) => n.type === 'ERROR' || n.missing);

/**
 * tree-sitter-bash 0.25's misreading: a command (or a redirect's destination) whose words run on past a newline that
 * nothing escapes, taking in the next line.
 */
function runsAcrossNewline(root: SNode, text: string): boolean {
  return nodes(root).some(
    (n) =>
      (n.type === 'command' || n.type === 'file_redirect' || n.type === 'declaration_command') &&
      n.children.some((c, i) => {
        if (i === 0) return false;
        const gap = text.slice(n.children[i - 1]!.end, c.start);
        return gap.includes('\n') && !gap.includes('\\\n');
      }),
  );
}

let bash: LoadedParser;
beforeAll(async () => {
  bash = await loadParser('bash');
});

type Outcome = 'same' | 'fallback' | 'misread-by-tree-sitter' | 'syntax-error';

function tally(): Record<Outcome, number> {
  return { same: 0, fallback: 0, 'misread-by-tree-sitter': 0, 'syntax-error': 0 };
}

/** The one error the parser reads: a redirect operator with nothing after it on its line (`cmd <app_name>`). */
function isDanglingRedirect(n: SNode, text: string): boolean {
  return (
    n.type === 'ERROR' &&
    n.children.length === 1 &&
    !n.children[0]!.named &&
    /^[ \t]*(\n|$)/.test(text.slice(n.end))
  );
}

function withoutErrors(n: SNode): Shape {
  const s = shape(n);
  const prune = (x: Shape): Shape => ({
    ...x,
    children: x.children.filter((c) => c.type !== 'ERROR').map(prune),
  });
  return prune(s);
}

/** Parses with both and checks the contract; returns what happened. */
function compare(text: string): Outcome {
  const reference = parseToTree(bash, text);
  const ours = parseBash(text);
  if (ours === null) return 'fallback';
  for (const n of nodes(ours)) for (const c of n.children) expect(c.parent).toBe(n);
  const errors = nodes(ours).filter((n) => n.type === 'ERROR' || n.missing);
  if (errors.length > 0) {
    // tree-sitter stops there too, or reads the next line as the destination; its recovery is its own, so the
    // rest of our tree is checked against tree-sitter's reading of the text with each dangling operator blanked
    for (const e of errors) expect(isDanglingRedirect(e, text), JSON.stringify(text)).toBe(true);
    expect(hasError(reference) || runsAcrossNewline(reference, text), JSON.stringify(text)).toBe(true);
    let blanked = text;
    for (const e of errors)
      blanked = blanked.slice(0, e.start) + ' '.repeat(e.end - e.start) + blanked.slice(e.end);
    const valid = parseToTree(bash, blanked);
    expect(hasError(valid), JSON.stringify(blanked)).toBe(false);
    if (!runsAcrossNewline(valid, blanked))
      expect(withoutErrors(ours), JSON.stringify(text)).toEqual(shape(valid));
    return 'syntax-error';
  }
  expect(
    hasError(reference),
    `accepted a text tree-sitter reads with an error: ${JSON.stringify(text)}`,
  ).toBe(false);
  if (runsAcrossNewline(reference, text)) {
    expect(runsAcrossNewline(ours, text), JSON.stringify(text)).toBe(false);
    return 'misread-by-tree-sitter';
  }
  expect(shape(ours), JSON.stringify(text)).toEqual(shape(reference));
  return 'same';
}

/** Constructs the parser reads: each must come out exactly as tree-sitter's tree. */
const SUPPORTED = [
  '',
  '\n\n',
  '# only a comment',
  '\n\n  a  \n\n',
  'a\n# c\n',
  'cmd a # c\nb',
  'set -euo pipefail',
  'a=b',
  'X+=1',
  'x=',
  'x= cmd',
  'x=""',
  'a="$x" b=1 cmd arg',
  'a=1 b=2',
  'x=1; y=2',
  'export A=1 B',
  'local x=$(a) y',
  'declare -r x=1',
  'unset x',
  'x=$(echo hi)',
  'x=`ps aux | grep j`',
  'a $x<a',
  'a $1 <a',
  'a "$1"<a',
  'a 1<a',
  'a $1&',
  'a $1|b',
  'a $1;',
  'a $1&&b',
  '(a $1)',
  'echo x$a$bc a$a$b $a$b- "$a"$b- a$b$c a-$b-$c /var/$a/$b x${a}y${b} a$(b)c$(d)',
  'echo $((A * 2)) $((A)) $(( 1 + 2 ))',
  'echo ${#X} ${X:?m} ${X-d} ${X} $1 $@ $? $# $! $- $* $_ $0 $10',
  'echo ${X:-5} ${X:-/var/log/a.log} ${X:-} ${X:?need X} ${X:?X is not set}',
  'x="${A:-i-0}" "${A:-a-b}" "${A:-a.b}" "${A:-a/b}" "${A:-a_b}" "${A:-a:b}" "${A:--x}" "${A:-a-}" "${A:-a=b}"',
  'echo "${X:-app}" "${X:=d}" "${X:+y}" "${X:-"q"}" "${X:-$Y}"',
  `echo 'raw' "a$(b)c" x$y/z $y/* a=$b`,
  'echo 5 -5 0x1f 10m 1.5 +7 007 5x 1e3 -1',
  'echo ~/x a#b x= x="" @ , %s',
  'heroku ps:scale web=$NEW -a myapp',
  'docker ps --format "{{.Names}} {{.Status}}"',
  "awk '{print $2}'",
  'echo "a\\"b" "x$" "$" "\\\\$x" "a`b`c"',
  'echo "a\nb $x\n c" "  $x" "a\n\nb" "\n  x" "x\n" "a  \n" "$x\n"',
  'echo "$x $y" "$x  " " a" "  " " " "a $x" "x\n  $y" "$(a) $(b)" "${x}:${y}" "$x\n$y"',
  'echo "  $(a)" "  ${a}" "  `a`" "  $((1))" "  $"',
  "echo $'a b'",
  'echo $x$y "a"b\'c\'',
  'cmd >> f 2>&1 < in &> all',
  'cmd &>/dev/null',
  'cmd 2>&1 | tee x',
  'echo hi > "$f"',
  'exec 3>&1',
  'read -r X <<< "$NP_LIST"',
  'a && b || c; d &',
  'a | b &',
  '! a | b',
  '! a >f',
  'a |\n b',
  'a &&\n  b',
  'a | b >f',
  'a | b | c >f',
  'a >f | b',
  'a && b >f',
  'a >f && b',
  'a | b >f && c',
  'a | b && c | d',
  'a && b | c | d',
  'a && b >f && c',
  'a | b >f | c',
  'a && b | c >f',
  'a || b && c >f',
  'a >f 2>&1',
  'a | b 2>/dev/null | c',
  'a 2>/dev/null | sort -h | tail -n 5',
  'x=$(a | b >f)',
  'a; b >f',
  'a & b >f',
  'a || exit 1',
  'x=$(a) || true',
  'if a; then b; elif c; then d; else e; fi',
  'if a\nthen\n  b\nfi',
  'if a # c\nthen b; fi',
  'if a\nthen\necho\nelif c; then\necho\n\nelse\necho\n\n\nfi\n',
  'if a; then b; else c\n  \n fi',
  'if a; then b; else c\n\n# x\n\nfi',
  'if a; then b; fi >f',
  'f() { if a; then b; else c\n # t\n fi; }',
  'if ! curl -fsS --max-time 10 http://127.0.0.1:8080/health; then\n  echo "failed" >&2\n  exit 1\nfi',
  'for i in a b; do echo $i; done',
  'for i in a b\ndo\n  c\ndone',
  'for f in *.log; do :; done',
  'while a; do b; done',
  'until a; do b; done',
  'while read -r l; do echo "$l"; done < f',
  'f() { a; }',
  'f() {\n  a\n}\n',
  'function g { b; }',
  'function g() {\n  b\n}',
  '(a; b)',
  '{ a; b; }',
  '{\n  a\n  # c\n}',
  '[ -n "$pid" ]',
  '[ $a = high ] && echo',
  '[ "$a" != "$b" ]',
  '[ a == "$b" ]',
  "[ a == 'x' ]",
  '[ a != "x"y ]',
  '[[ $a = "$b" ]]',
  '[[ $x == "$y" ]]',
  '[[ $x != "high" ]]',
  '[[ $x == high ]]',
  '[[ $x != prod ]]',
  '[[ $x == ab ]]',
  'if [[ $NP_LEVEL == high ]]; then echo high; fi',
  '[[ -z $x ]]',
  '[ "$a" -gt 5 ]',
  '[ "$x" ]',
  'test -n "$x"',
  'pid=$(pgrep -x -u app java || true)\nif [ -n "$pid" ]; then\n  kill -TERM "$pid"\nfi',
];

/** Constructs left to tree-sitter, and texts it reads with an error: the parser must give up on every one. */
const FALLBACK = [
  'cat <<EOF\nhello\nEOF\n',
  'case $x in a) b;; esac',
  'A=(1 2 3)',
  'a[0]=1',
  'echo ${a[@]} ${x#p} ${x%p} ${x/a/b}',
  '(( x++ ))',
  'for ((i=0; i<3; i++)); do :; done',
  'diff <(ls /a) <(ls /b)',
  'echo a\\ b',
  'find . -exec rm {} \\;',
  'echo {a,b}',
  '[[ $x = high ]]',
  '[[ $x == y ]]',
  '[[ $x == a_b ]]',
  '[[ $x == a1 ]]',
  '[[ $x == 10 ]]',
  '""#',
  'a=|a',
  'x=; y',
  '-1=',
  'echo "$?x"',
  'echo /tmp/a.$$',
  '- a#',
  "''2>a",
  'echo a`b`c',
  'echo a`b` `b`c',
  'a$a$b-c',
  'a $1<a',
  'a $11>a',
  'a x<a',
  'a""$a-',
  'echo a${a}$b-',
  'echo "a"$b$c-',
  'echo a$b$c.log',
  'echo a$a$1',
  'echo a$b$c/',
  'if$a',
  'for""',
  '[[ $x =~ ^a ]]',
  '[[ $x == web* ]]',
  '[ "$a" == b ]',
  '[ "$a" != b ]',
  'a | x=1 && b',
  'a | b | c && d',
  'echo $1a',
  'a#b',
  '[ ! -f x ]',
  '[ -f x -a -d y ]',
  'a 2>\n',
  'a >;',
  'if [ -f x ]; then\necho hi\n',
  'echo "unterminated\n',
  'for x in a b; do echo $x\n',
  'a |',
  'a &&',
  '>f cmd',
  'cmd >f arg',
  'echo $"translated"',
  'coproc x',
  'select x in a b; do :; done',
];

/** The syntax error the parser reads: a redirect operator that ends its line, as a placeholder leaves it. */
const DANGLING = [
  'heroku restart --app <app_name>',
  'heroku restart --app <app_name>\n',
  'set -e\nheroku restart --app <app_name>\necho ok\n',
  'a >\n\nb',
  'a && b >\n',
  'a | b <c>  \n# c\n',
  'if a; then\n  b <c>\nfi\n',
  'for x in a; do\n  b <c>\n  d\ndone',
  'x=$(a <b>\n)',
];

describe('parseBash', () => {
  it.each(SUPPORTED)('reads %j as tree-sitter does', (text) => {
    expect(compare(text)).toBe('same');
  });

  it.each(FALLBACK)('leaves %j to tree-sitter', (text) => {
    expect(parseBash(text)).toBeNull();
  });

  it.each(DANGLING)(
    'reads %j with an ERROR where bash -n stops, and the rest as tree-sitter does',
    (text) => {
      expect(compare(text)).toBe('syntax-error');
      const check = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
      expect(check.status).toBe(2);
      expect(check.stderr).toMatch(/syntax error near unexpected token `newline'/);
      // the statement after the error is one of its own, not the redirect's destination
      const ours = parseBash(text)!;
      const error = nodes(ours).find((n) => n.type === 'ERROR')!;
      expect(text.slice(error.start, error.end)).toMatch(/^[<>]$/);
    },
  );

  it('keeps apart the lines tree-sitter-bash runs together (a pipeline of three, then a redirected command)', () => {
    const text = 'a | b | c 5\n# c\nd >&2\n';
    expect(compare(text)).toBe('misread-by-tree-sitter');
    const ours = parseBash(text)!;
    expect(ours.children.map((c) => c.type)).toEqual(['pipeline', 'comment', 'redirected_statement']);
  });

  it('reads every shell fixture of the rule catalog as tree-sitter does, or leaves it', () => {
    const outcomes = tally();
    for (const c of Object.values(CASES).flatMap((x) => [...x.pos, ...x.neg])) {
      const { text, file = 't.sh' } = typeof c === 'string' ? { text: c } : c;
      if (!file.endsWith('.py')) outcomes[compare(text)]++;
    }
    expect(outcomes['misread-by-tree-sitter']).toBe(0);
    expect(outcomes.same).toBeGreaterThan(outcomes.fallback * 10);
  });

  it('reads the corpus as tree-sitter does, and leaves only the files with constructs it does not read', () => {
    const root = path.resolve(import.meta.dirname, '../../../test/fixtures');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.sh'))
      .filter((f) => f.startsWith('runbook') || f.startsWith('remediation'))
      .sort();
    const left: string[] = [];
    for (const f of files) if (compare(readFileSync(path.join(root, f), 'utf8')) === 'fallback') left.push(f);
    expect(files.length).toBeGreaterThan(30);
    // case statements, `[[ =~ ]]`, a glob on the right of `[[ == ]]`
    expect(left).toEqual([
      'runbook/corpus/clean/app-restarts/heroku_restart_dyno.sh',
      'runbook/corpus/clean/host-alerts/clear_disk_space.sh',
      'runbook/corpus/clean/host-alerts/drop_caches.sh',
      'runbook/corpus/hazards/app-restarts/heroku_restart_dyno.sh',
    ]);
  });

  it('reads every generated benchmark runbook, the placeholder hazard as a syntax error', () => {
    const outcomes = tally();
    for (const [size, seed] of [
      [CORPUS, 42],
      [HEAVY, 7],
    ] as const) {
      const r = rng(seed);
      for (let i = 0; i < 400; i++) {
        const text = runbook(r, i, size);
        const outcome = compare(text);
        // the one hazard that is a syntax error
        if (outcome === 'syntax-error') expect(text).toContain('<app_name>');
        outcomes[outcome]++;
      }
    }
    expect(outcomes.fallback).toBe(0);
    expect(outcomes['syntax-error']).toBeGreaterThan(20);
    expect(outcomes.same).toBeGreaterThan(600);
  });

  it('matches tree-sitter on generated scripts of the constructs it reads', () => {
    fc.assert(
      fc.property(script, (text) => {
        compare(text);
      }),
      { numRuns: 400 },
    );
  });

  it('never accepts what tree-sitter reads with an error (random shell-character soup)', () => {
    const soup = fc.string({
      unit: fc.constantFrom(
        ...'a b x = $ { } ( ) [ ] | & ; < > " \' ` \\ # - 1 2 \n \t if then fi do done for in while'.split(
          ' ',
        ),
        ' ',
      ),
      maxLength: 40,
    });
    fc.assert(
      fc.property(soup, (text) => {
        compare(text);
      }),
      { numRuns: 1500 },
    );
  });
});

// Generated scripts: words, quoting and expansions inside commands, pipelines, lists, redirects, compound
// statements and comments, nested two deep.
const word = fc.constantFrom(
  'echo',
  'ls',
  '-n',
  '5',
  '-1',
  '/var/log',
  'a=b',
  'x',
  '-rf',
  '*.gz',
  'i-0',
  '--max-time',
  ':',
  'ps:scale',
  '%s',
  '~/x',
  'a#b',
);
const inString = fc.constantFrom(
  'a b',
  ' ',
  '  ',
  'x',
  '$x',
  '${NP_X:-d}',
  '${X:-i-0}',
  '$(date)',
  '\n',
  '\n  ',
  ':',
  '{{.Names}}',
  '\\"',
  '$?',
);
const dq = fc.array(inString, { maxLength: 4 }).map((parts) => `"${parts.join('')}"`);
const piece = fc.oneof(
  word,
  dq,
  fc.constantFrom("'raw $x'", '$X', '$1', '${X}', '${#X}', '${X:?X is not set}', '$((A * 2))', '`hostname`'),
  fc.constantFrom('$(uname -r)', '$(ps aux | grep x)', '"$(a) $(b)"'),
);
const argument = fc.array(piece, { minLength: 1, maxLength: 2 }).map((p) => p.join(''));
const redirect = fc.constantFrom('2>/dev/null', '>&2', '>> "$log"', '< in', '2>&1', '&>/dev/null', '> f');
const simple = fc
  .tuple(
    fc.constantFrom('echo', 'grep', 'kill', 'curl', 'sudo', 'tail', 'X=1 cmd', 'systemctl'),
    fc.array(argument, { maxLength: 3 }),
    fc.option(fc.constantFrom('<<< "$x"'), { nil: undefined }),
  )
  .map(([name, args, here]) => [name, ...args, ...(here ? [here] : [])].join(' '));
const unit = fc.oneof(
  { weight: 5, arbitrary: simple },
  fc.constantFrom(
    'x=$(a)',
    'x="${NP_A:-a}"',
    'local y=1',
    'export Z',
    '[ -n "$x" ]',
    '[[ $x == "$y" ]]',
    '(a; b)',
  ),
);
const pipeline = fc.array(unit, { minLength: 1, maxLength: 4 }).map((u) => u.join(' | '));
const andOr = fc
  .tuple(pipeline, fc.array(fc.tuple(fc.constantFrom(' && ', ' || ', ' &&\n  '), pipeline), { maxLength: 2 }))
  .map(([first, rest]) => first + rest.map(([op, p]) => op + p).join(''));
const statement = fc
  .tuple(
    andOr,
    fc.array(redirect, { maxLength: 2 }),
    fc.option(fc.constantFrom(' # note', ' &'), { nil: undefined }),
  )
  .map(([s, r, tail]) => [s, ...r].join(' ') + (tail ?? ''));
const block = (inner: fc.Arbitrary<string>) =>
  fc
    .array(fc.oneof(inner, fc.constantFrom('# comment', '')), { minLength: 1, maxLength: 4 })
    .map((l) => l.join('\n'));
const compound = (body: fc.Arbitrary<string>) =>
  fc.oneof(
    body.map((b) => `if a; then\n${b}\nfi`),
    fc.tuple(body, body).map(([b, c]) => `if a\nthen\n${b}\nelif c; then\n${c}\nelse\n${b}\nfi`),
    body.map((b) => `while read -r l; do\n${b}\ndone`),
    body.map((b) => `for f in a "$b" *.log; do\n${b}\ndone`),
    body.map((b) => `f() {\n${b}\n}`),
    body.map((b) => `{ ${b.replace(/\n/g, '; ')}; }`),
  );
const level1 = block(statement);
const script = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: statement },
      compound(level1),
      fc.constantFrom('', '# step', '#!/bin/bash'),
    ),
    {
      minLength: 1,
      maxLength: 8,
    },
  )
  .map((l) => `${l.join('\n')}\n`);
