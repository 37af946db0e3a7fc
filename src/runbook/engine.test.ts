import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintText } from './engine';
import { profile } from './profiles';
import { RULES } from './rules/index';
import type { LintSettings } from './types';

const SETTINGS: LintSettings = { paramPrefix: 'NP_', maxTimeout: 900, shell: 'sh', profile: 'production' };
const ALL = new Set(RULES.map((r) => r.id));

async function lint(
  text: string,
  options: {
    file?: string;
    rules?: Set<string>;
    requireReason?: boolean;
    settings?: Partial<LintSettings>;
  } = {},
) {
  return (
    await lintText(options.file ?? 'x.sh', text, null, {
      settings: { ...SETTINGS, ...options.settings },
      rules: options.rules ?? ALL,
      ...(options.requireReason ? { requireReason: true } : {}),
    })
  ).findings;
}
const ids = (fs: { ruleId: string; suppression?: unknown }[]) =>
  fs.filter((f) => !f.suppression).map((f) => f.ruleId);

describe('data flow from alert values', () => {
  it('follows NP_* through assignments and command substitutions to a command', async () => {
    const text = '#!/bin/bash\nA="$NP_HOST"\nB="prefix-$A"\nC=$(echo "$B" | tr a-z A-Z)\nping -c 1 $C\n';
    const f = await lint(text, { rules: new Set(['SEC001']) });
    expect(f.map((x) => x.range.startLine)).toEqual([5]);
  });

  it('treats declared params as alert values (param "host" arrives as $NP_HOST)', async () => {
    const text =
      '#!/bin/bash\n# neptune:\n#   name: t\n#   description: d\n#   mode: diagnose\n#   timeout: 1m\n#   params:\n#     host: {pattern: "^[a-z]+$"}\nping -c 1 $NP_HOST\n';
    expect(ids(await lint(text, { rules: new Set(['SEC001', 'META005']) }))).toEqual(['SEC001']);
  });

  it('honours another --param-prefix', async () => {
    const text = '#!/bin/bash\nkill $ALERT_PID\nkill $NP_PID\n';
    const f = await lint(text, { rules: new Set(['SEC001']), settings: { paramPrefix: 'ALERT_' } });
    expect(f.map((x) => x.range.startLine)).toEqual([2]);
  });

  it('does not taint the length of a value or unrelated variables', async () => {
    const text = '#!/bin/bash\nN=${#NP_NAME}\nkill $N\nX=$HOME\nls $X\n';
    expect(await lint(text, { rules: new Set(['SEC001']) })).toEqual([]);
  });

  it('follows Python reads of NP_* into os.system', async () => {
    const text =
      '#!/usr/bin/env python3\nimport os\nsvc = os.environ.get("NP_SVC")\ncmd = "systemctl restart %s" % svc\nos.system(cmd)\n';
    expect(ids(await lint(text, { file: 'x.py', rules: new Set(['SEC002']) }))).toEqual(['SEC002']);
  });
});

describe('parse errors', () => {
  it('are ROB004 findings, with the other rules still running', async () => {
    const f = await lint('#!/bin/bash\nkill -9 $NP_PID\nif [ x ]; then\n');
    expect(ids(f)).toContain('ROB004');
    expect(ids(f)).toContain('SEC001');
  });

  it('stop at a placeholder that leaves a redirect with no file, and the next line is still linted', async () => {
    const text = '#!/bin/bash\nset -eu\nheroku restart --app <app_name>\nkill -9 $NP_PID\n';
    const f = await lint(text);
    const error = f.find((x) => x.ruleId === 'ROB004')!;
    expect(error.message).toBe('shell syntax error: ">" ends the line with no file to redirect to');
    expect(error.range).toMatchObject({ startLine: 3, startColumn: 31, endColumn: 32 });
    // not taken for the redirect's destination, as tree-sitter-bash reads it
    expect(f.find((x) => x.ruleId === 'SEC001')?.range.startLine).toBe(4);
  });

  it('never crash the linter, whatever the input (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.constantFrom('x.sh', 'x.py', 'x'),
        async (text, file) => {
          const f = await lint(text, { file });
          expect(Array.isArray(f)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('survive hostile shell fragments', async () => {
    for (const text of [
      '$(',
      '`',
      '"${',
      '<<EOF\n',
      'case in',
      '}}}}',
      '\u0000\u0001',
      'a'.repeat(20000),
      '#!/bin/bash\n' + '$('.repeat(300),
    ])
      expect(Array.isArray(await lint(text))).toBe(true);
  });
});

describe('inline suppressions', () => {
  const kill = 'PID="$(cat /run/app.pid)"\nkill -9 "$PID"\n';
  it('cover the next command', async () => {
    const f = await lint(
      `#!/bin/sh\nset -eu\n# neptune-lint disable=SAF003 reason: the pid file is ours\n${kill}kill -9 "$PID"\n`,
      { rules: new Set(['SAF003']) },
    );
    expect(f.filter((x) => x.suppression).map((x) => x.range.startLine)).toEqual([]);
    // the directive sits before the assignment: the next command is the assignment, not the kill
    const g = await lint(
      `#!/bin/sh\nset -eu\nPID="$(cat /run/app.pid)"\n# neptune-lint disable=SAF003 reason: the pid file is ours\nkill -9 "$PID"\nkill -9 "$PID"\n`,
      { rules: new Set(['SAF003']) },
    );
    expect(g.map((x) => [x.range.startLine, x.suppression?.justification ?? null])).toEqual([
      [5, 'the pid file is ours'],
      [6, null],
    ]);
  });

  it('cover the whole file before the first command, and a line when trailing', async () => {
    const f = await lint('#!/bin/sh\n# neptune-lint disable=SAF003\nkill -9 "$P"\nkill -9 "$Q"\n', {
      rules: new Set(['SAF003']),
    });
    expect(f.every((x) => x.suppression)).toBe(true);
    const g = await lint(
      '#!/bin/sh\nset -eu\nkill -9 "$P" # neptune-lint disable=SAF003 reason: x\nkill -9 "$Q"\n',
      { rules: new Set(['SAF003']) },
    );
    expect(g.map((x) => Boolean(x.suppression))).toEqual([true, false]);
  });

  it('need a reason under production', async () => {
    const text = '#!/bin/sh\nset -eu\n# neptune-lint disable=SAF003\nkill -9 "$P"\n';
    const f = await lint(text, { rules: new Set(['SAF003']), requireReason: true });
    expect(f).toHaveLength(1);
    expect(f[0]!.suppression).toBeUndefined();
    expect(f[0]!.message).toMatch(/requires "reason/);
  });
});

describe('fingerprints and order', () => {
  it('survive lines inserted above', async () => {
    const text = '#!/bin/bash\nkill -9 $NP_PID\nrm -rf $DIR/x\nkill -9 $NP_PID\n';
    const a = await lint(text);
    const b = await lint(text.replace('#!/bin/bash\n', '#!/bin/bash\n# one\n# two\necho three\n'));
    const key = (fs: typeof a) =>
      fs
        .filter((f) => f.range.startLine > 1 && !/^(ROB001|META001|ROB002)$/.test(f.ruleId))
        .map((f) => f.fingerprint)
        .sort();
    expect(key(b)).toEqual(key(a));
    expect(new Set(a.map((f) => f.fingerprint)).size).toBe(a.length);
  });

  it('of the whole hazard corpus are unchanged after inserting 3 lines at the top of each file', async () => {
    const dir = path.resolve(import.meta.dirname, '../../test/fixtures/runbook/corpus/hazards');
    for (const group of readdirSync(dir).sort())
      for (const name of readdirSync(path.join(dir, group)).sort()) {
        const file = `${group}/${name}`;
        const text = readFileSync(path.join(dir, file), 'utf8');
        const insert = '# added line one\n# added line two\n# added line three\n';
        const moved = text.startsWith('#!') ? text.replace(/^(#![^\n]*\n)/, `$1${insert}`) : insert + text;
        const prints = async (t: string) => (await lint(t, { file })).map((f) => f.fingerprint).sort();
        expect(await prints(moved), file).toEqual(await prints(text));
      }
  });

  it('are sorted by line, column, rule and identical across runs', async () => {
    const text = '#!/bin/bash\nkill -9 $NP_PID; rm -rf $NP_DIR/*\ncurl http://x | sh\n';
    const a = await lint(text);
    const b = await lint(text);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const order = a.map((f) => [f.range.startLine, f.range.startColumn, f.ruleId] as const);
    const sorted = [...order].sort(
      (x, y) => x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0),
    );
    expect(order).toEqual(sorted);
  });
});

describe('profiles', () => {
  it('nest: min ⊂ basic ⊂ safety ⊂ production = all 40', () => {
    const [min, basic, safety, production] = (['min', 'basic', 'safety', 'production'] as const).map(
      (p) => profile(p).rules,
    );
    for (const id of min!) expect(basic!.has(id)).toBe(true);
    for (const id of basic!) expect(safety!.has(id)).toBe(true);
    for (const id of safety!) expect(production!.has(id)).toBe(true);
    expect(production!.size).toBe(40);
    expect([...min!].sort()).toEqual(['ROB004', 'SAF002', 'SCR001', 'SCR002', 'SCR003', 'SEC002', 'SEC003']);
    expect(profile('production').severity.META001).toBe('error');
    expect(profile('production').requireReason).toBe(true);
  });
});
