/**
 * `neptune runbook lint` and `neptune runbook new` end to end: the real CLI (from source, or the executable with
 * NEPTUNE_BIN), real files in temporary directories, ShellCheck when it is installed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from './helpers/cli';

const FIXTURES = path.join(REPO, 'test/fixtures/runbook');
const HAZARDS = path.join(FIXTURES, 'corpus/hazards');
const CLEAN = path.join(FIXTURES, 'corpus/clean');
const HAS_SHELLCHECK = spawnSync('shellcheck', ['--version']).status === 0;

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'neptune-lint-e2e-'));
}
function write(dir: string, file: string, text: string): string {
  const p = path.join(dir, file);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}
const lint = (args: string[], options: Parameters<typeof runCli>[1] = {}) =>
  runCli(['runbook', 'lint', '--shellcheck', 'off', ...args], options);

const KILL = '#!/bin/sh\nset -eu\nkill -9 $NP_PID\n';

describe('runbook lint: the corpus', () => {
  it('finds every hand-listed hazard of the corpus under production, by its named rule', async () => {
    const r = await lint(['--profile', 'production', '--json', '.'], { cwd: HAZARDS });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      findings: { ruleId: string; file: string; range: { startLine: number } }[];
    };
    const have = new Set(doc.findings.map((f) => `${f.file}\t${f.range.startLine}\t${f.ruleId}`));
    const want = readFileSync(path.join(FIXTURES, 'corpus/hazards.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split('\t').slice(0, 3).join('\t'));
    expect(want.length).toBeGreaterThanOrEqual(30);
    expect(want.filter((w) => !have.has(w))).toEqual([]);
  });

  it('reports nothing on the hazard-free rewrites under production (zero false positives)', async () => {
    const r = await runCli(
      ['runbook', 'lint', '--profile', 'production', '--shellcheck-severity', 'info', '-f', 'compact', '.'],
      { cwd: CLEAN },
    );
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('runbook lint: formats and exit codes', () => {
  it('writes several formats at once: compact on stdout, sarif to a file', async () => {
    const dir = tmp();
    write(dir, 'k.sh', KILL);
    const r = await lint(['-f', 'compact', '-f', 'sarif=out/lint.sarif', 'k.sh'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^k\.sh:3:9: error: alert value \$NP_PID is expanded unquoted.*\[SEC001\]$/m);
    const sarif = JSON.parse(readFileSync(path.join(dir, 'out/lint.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'SEC001')).toBe(true);
  });

  it('rdjson beside text: fix suggestions point at what they replace (rdjson reads the whole text)', async () => {
    const dir = tmp();
    write(dir, 'q.sh', '#!/bin/sh\nset -eu\n# the service the alert names\nkill -TERM $NP_PID\n');
    const r = await lint(['-f', 'text', '-f', 'rdjson=out/lint.rdjson', 'q.sh'], { cwd: dir });
    expect(r.stdout).toContain('kill -TERM $NP_PID');
    const doc = JSON.parse(readFileSync(path.join(dir, 'out/lint.rdjson'), 'utf8'));
    const quoted = doc.diagnostics.find((d: { code: { value: string } }) => d.code.value === 'SEC001');
    expect(quoted.suggestions[0].range.start).toEqual({ line: 4, column: 12 });
  });

  it('prints text by default, with a summary', async () => {
    const dir = tmp();
    write(dir, 'k.sh', KILL);
    const r = await lint(['k.sh'], { cwd: dir });
    expect(r.stdout).toContain('kill -9 $NP_PID');
    expect(r.stdout).toMatch(/\d+ problems? \(\d+ errors?/);
  });

  it('--json is the json format; output is identical across runs', async () => {
    const a = await lint(['--json', '.'], { cwd: HAZARDS });
    const b = await lint(['-f', 'json', '.'], { cwd: HAZARDS });
    expect(JSON.parse(a.stdout).findings.length).toBeGreaterThan(20);
    expect(a.stdout).toBe(b.stdout);
  });

  it('github annotations and the step summary', async () => {
    const dir = tmp();
    write(dir, 'k.sh', KILL);
    const summary = path.join(dir, 'summary.md');
    const r = await lint(['-f', 'github', 'k.sh'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.stdout).toMatch(
      /^::error file=k\.sh,line=3,endLine=3,col=9,endColumn=16,title=SEC001 alert-input-unquoted::/m,
    );
    expect(readFileSync(summary, 'utf8')).toContain('| k.sh | 3 | error | SEC001 |');
  });

  it('exit codes: --fail-on, --max-warnings', async () => {
    const dir = tmp();
    write(dir, 'w.sh', '#!/bin/sh\nsystemctl restart app\n');
    expect((await lint(['w.sh'], { cwd: dir })).code).toBe(0);
    expect((await lint(['--fail-on', 'warning', 'w.sh'], { cwd: dir })).code).toBe(1);
    expect((await lint(['--max-warnings', '0', 'w.sh'], { cwd: dir })).code).toBe(1);
    write(dir, 'k.sh', KILL);
    expect((await lint(['--fail-on', 'never', 'k.sh'], { cwd: dir })).code).toBe(0);
  });

  it('64 for usage errors, 66 for a missing path', async () => {
    const dir = tmp();
    const missing = await lint(['nope.sh'], { cwd: dir });
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/nope\.sh: no such file/);
    expect((await lint(['-f', 'yaml', '.'], { cwd: dir })).code).toBe(64);
    expect((await lint(['--enable', 'NOPE999', '.'], { cwd: dir })).code).toBe(64);
    expect((await lint(['--profile', 'strict', '.'], { cwd: dir })).code).toBe(64);
    // --fix-unsafe alone did nothing, silently (issue 27)
    const unsafe = await lint(['--fix-unsafe', '.'], { cwd: dir });
    expect(unsafe.code).toBe(64);
    expect(unsafe.stderr).toMatch(/--fix-unsafe only widens --fix or --fix-dry-run/);
    expect(unsafe.stderr).toMatch(/add --fix \(write\) or --fix-dry-run/);
    const bad = await lint(['--explain', 'NOPE'], { cwd: dir });
    expect(bad.code).toBe(64);
    expect(bad.stderr).not.toMatch(/\s+at /);
  });

  it('lints stdin with --stdin-filename', async () => {
    const r = await lint(['-f', 'compact', '-', '--stdin-filename', 'restart.sh'], { input: KILL });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^restart\.sh:3:9: error: .*\[SEC001\]/m);
  });
});

describe('runbook lint: configuration and suppressions', () => {
  it('finds .neptune/runbook-lint.yaml upward; --no-config and --config', async () => {
    const dir = tmp();
    write(dir, '.neptune/runbook-lint.yaml', 'disable: [SEC001]\nfail-on: warning\n');
    write(dir, 'sub/deeper/k.sh', KILL);
    const r = await lint(['-f', 'compact', 'k.sh'], { cwd: path.join(dir, 'sub/deeper') });
    expect(r.stdout).not.toContain('SEC001');
    expect(r.code).toBe(1); // fail-on warning from the config: SAF003 is a warning
    const n = await lint(['--no-config', '-f', 'compact', 'k.sh'], { cwd: path.join(dir, 'sub/deeper') });
    expect(n.stdout).toContain('SEC001');
    write(dir, 'other.yaml', 'profile: min\n');
    const c = await lint(['-c', '../../other.yaml', '-f', 'compact', 'k.sh'], {
      cwd: path.join(dir, 'sub/deeper'),
    });
    expect(c.stdout).toBe('');
  });

  it('78 for a bad configuration file', async () => {
    const dir = tmp();
    write(dir, '.neptune/runbook-lint.yaml', 'profiles: production\n');
    const r = await lint(['.'], { cwd: dir });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/unknown key "profiles"/);
    write(dir, '.neptune/runbook-lint.yaml', 'disable: [NOPE1]\n');
    expect((await lint(['.'], { cwd: dir })).code).toBe(78);
    write(dir, '.neptune/runbook-lint.yaml', 'disable: [unclosed\n');
    expect((await lint(['.'], { cwd: dir })).code).toBe(78);
  });

  it('inline disable needs a reason under production', async () => {
    const dir = tmp();
    write(
      dir,
      'a.sh',
      '#!/bin/sh\nset -eu\n# neptune-lint disable=SEC001 reason: NP_PID is validated by the agent\nkill -TERM $NP_PID\n',
    );
    write(dir, 'b.sh', '#!/bin/sh\nset -eu\n# neptune-lint disable=SEC001\nkill -TERM $NP_PID\n');
    const r = await lint(['--profile', 'production', '--only', 'SEC001', '--json', '.'], { cwd: dir });
    const doc = JSON.parse(r.stdout) as {
      findings: { file: string; suppression?: { justification?: string } }[];
    };
    expect(doc.findings.map((f) => [f.file, f.suppression?.justification ?? null])).toEqual([
      ['a.sh', 'NP_PID is validated by the agent'],
      ['b.sh', null],
    ]);
    const safety = await lint(['--only', 'SEC001', '-f', 'compact', '.'], { cwd: dir });
    expect(safety.stdout).toBe('');
  });

  it('--baseline accepts recorded findings and fails on new ones', async () => {
    const dir = tmp();
    write(dir, 'k.sh', KILL);
    const u = await lint(['--baseline', 'bl.json', '--update-baseline', '.'], { cwd: dir });
    expect(u.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'bl.json'), 'utf8')).version).toBe(1);
    expect((await lint(['--baseline', 'bl.json', '.'], { cwd: dir })).code).toBe(0);
    // three lines inserted above: the recorded findings still match
    write(dir, 'k.sh', KILL.replace('set -eu\n', 'set -eu\n# a\n# b\n# c\n'));
    expect((await lint(['--baseline', 'bl.json', '.'], { cwd: dir })).code).toBe(0);
    write(dir, 'k.sh', `${KILL}rm -rf $NP_DIR/x\n`);
    const n = await lint(['--baseline', 'bl.json', '-f', 'compact', '.'], { cwd: dir });
    expect(n.code).toBe(1);
    expect(n.stdout).toContain('NP_DIR');
    expect(n.stdout).not.toContain('NP_PID');
    expect((await lint(['--baseline', 'missing.json', '.'], { cwd: dir })).code).toBe(66);
  });
});

describe('runbook lint: --fix', () => {
  it('fixes in place, idempotently; --fix-dry-run prints a diff and changes nothing', async () => {
    const dir = tmp();
    const text = 'set -eu\nkill -TERM $NP_PID\negrep "a|b" /var/log/x\n';
    const file = write(dir, 'f.sh', text);
    const dry = await lint(['--fix-dry-run', '--enable', 'PORT002', 'f.sh'], { cwd: dir });
    expect(dry.stdout).toContain('--- a/f.sh\n+++ b/f.sh\n');
    expect(dry.stdout).toContain('+kill -TERM "$NP_PID"');
    expect(readFileSync(file, 'utf8')).toBe(text);
    await lint(['--fix', '--enable', 'PORT002', 'f.sh'], { cwd: dir });
    const fixed = readFileSync(file, 'utf8');
    expect(fixed).toBe('#!/bin/sh\nset -eu\nkill -TERM "$NP_PID"\ngrep -E "a|b" /var/log/x\n');
    await lint(['--fix', '--enable', 'PORT002', 'f.sh'], { cwd: dir });
    expect(readFileSync(file, 'utf8')).toBe(fixed);
    expect(spawnSync('sh', ['-n', file]).status).toBe(0);
  });
});

describe('runbook lint: rules, schema', () => {
  it('--list-rules, --explain, --print-schema', async () => {
    const list = await lint(['--list-rules']);
    expect(list.stdout.trim().split('\n')).toHaveLength(40);
    const json = JSON.parse((await lint(['--list-rules', '--json'])).stdout) as {
      rules: { id: string; profiles: string[] }[];
    };
    expect(json.rules.find((r) => r.id === 'SAF003')!.profiles).toEqual(['safety', 'production']);
    const explain = await lint(['--explain', 'kill-by-pattern']);
    expect(explain.stdout).toMatch(/^SAF003 kill-by-pattern \(warning/);
    const schema = JSON.parse((await lint(['--print-schema'])).stdout);
    expect(schema.required).toEqual(['name', 'description', 'mode', 'timeout']);
  });
});

describe('runbook lint: ShellCheck', () => {
  it.runIf(HAS_SHELLCHECK)('adds SC#### findings from one batched run; off and a missing path', async () => {
    const dir = tmp();
    write(dir, 'a.sh', '#!/bin/bash\nset -euo pipefail\nfor f in $(ls /tmp); do echo "$f"; done\n');
    write(dir, 'b.sh', 'set -eu\nx=1\n[[ $x == 1 ]] && echo one\n');
    const on = await runCli(
      ['runbook', 'lint', '--shellcheck', 'auto', '--shellcheck-severity', 'info', '-f', 'compact', '.'],
      { cwd: dir },
    );
    expect(on.stdout).toMatch(/^a\.sh:3:\d+: (warning|error|info): .*\[SC2045\]$/m);
    expect(on.stdout).toMatch(/^b\.sh:3:1: warning: In POSIX sh, \[\[ \]\] is undefined\. \[SC3010\]$/m);
    expect(on.stdout).not.toContain('SC2148');
    const off = await runCli(
      ['runbook', 'lint', '--shellcheck', 'off', '--shellcheck-severity', 'info', '-f', 'compact', '.'],
      { cwd: dir },
    );
    expect(off.stdout).not.toMatch(/\[SC\d+\]/);
    const gone = await runCli(['runbook', 'lint', '--shellcheck', '/nonexistent/shellcheck', '.'], {
      cwd: dir,
    });
    expect(gone.code).toBe(69);
  });

  it.skipIf(HAS_SHELLCHECK)('is skipped: shellcheck is not installed (apt-get install shellcheck)', () => {
    console.log('skipped ShellCheck e2e: shellcheck is not on PATH (apt-get install shellcheck)');
  });
});

describe('runbook new', () => {
  for (const lang of ['bash', 'python'] as const) {
    it(`writes a ${lang} skeleton that lints clean under production`, async () => {
      const dir = tmp();
      const r = await runCli(['runbook', 'new', 'restart-web', '--lang', lang], { cwd: dir });
      expect(r.code).toBe(0);
      const file = path.join(dir, lang === 'python' ? 'restart-web.py' : 'restart-web.sh');
      expect(existsSync(file)).toBe(true);
      const l = await runCli(
        [
          'runbook',
          'lint',
          '--profile',
          'production',
          '--shellcheck-severity',
          'info',
          '--fail-on',
          'info',
          '-f',
          'compact',
          path.basename(file),
        ],
        { cwd: dir },
      );
      expect(l.stdout).toBe('');
      expect(l.code).toBe(0);
    });
  }

  it('refuses a bad name and an existing file (64), unless --force', async () => {
    const dir = tmp();
    expect((await runCli(['runbook', 'new', 'Bad Name'], { cwd: dir })).code).toBe(64);
    cpSync(path.join(CLEAN, 'docker/prune.sh'), path.join(dir, 'x.sh'));
    expect((await runCli(['runbook', 'new', 'x'], { cwd: dir })).code).toBe(64);
    expect((await runCli(['runbook', 'new', 'x', '--force', '--json'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(path.join(dir, 'x.sh'), 'utf8')).toContain('name: x');
  });
});

describe('runbook lint: a manifest key of the wrong shape (issue 27)', () => {
  const HEAD =
    '#!/bin/bash\n# neptune:\n#   name: mr\n#   description: test runbook\n#   mode: remediate\n#   timeout: 2m\n';
  it.each([
    ['#   sudo: systemctl restart nginx\n', 'manifest sudo must be array'],
    ['#   hosts: web-1\n', 'manifest hosts must be array'],
    ['#   params: [NP_X]\n', 'manifest params must be object'],
  ])('%j is META002, never an internal error (exit 70), under every profile', async (line, message) => {
    const dir = tmp();
    write(dir, 'mr.sh', `${HEAD}${line}set -euo pipefail\nsudo systemctl restart nginx\necho "$NP_X"\n`);
    for (const name of ['min', 'basic', 'safety', 'production']) {
      const r = await lint(['--profile', name, '--json', 'mr.sh'], { cwd: dir });
      expect(r.stderr).not.toMatch(/internal error/);
      expect([0, 1]).toContain(r.code);
      const doc = JSON.parse(r.stdout) as { findings: { ruleId: string; message: string }[] };
      expect(doc.findings.some((f) => /\$NP_\d/.test(f.message))).toBe(false);
      if (name === 'safety' || name === 'production')
        expect(doc.findings.filter((f) => f.ruleId === 'META002').map((f) => f.message)).toEqual([message]);
    }
  });
});

describe('runbook lint: a Python file that does not parse (issue 27)', () => {
  it.each(['min', 'basic', 'safety', 'production'])(
    'print "hello" is ROB004, an error, under %s',
    async (name) => {
      const dir = tmp();
      write(dir, 'p.py', '#!/usr/bin/env python3\nprint "hello"\n');
      const r = await lint(['--profile', name, '-f', 'compact', 'p.py'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^p\.py:2:1: error: Python 3 syntax error: print statement .*\[ROB004\]/m);
    },
  );
});

describe('runbook lint: SEC003 on data and on code through a variable (issue 27)', () => {
  it('| python3 -m json.tool is data, not code; exec() of a downloaded variable is code', async () => {
    const dir = tmp();
    write(dir, 'j.sh', '#!/bin/sh\nset -eu\ncurl -fsS --max-time 5 https://x/api | python3 -m json.tool\n');
    write(
      dir,
      'e.py',
      '#!/usr/bin/env python3\nimport urllib.request\ncode = urllib.request.urlopen("https://x/a.py", timeout=5).read()\nexec(code)\n',
    );
    const r = await lint(['--profile', 'min', '-f', 'compact', '.'], { cwd: dir });
    expect(r.stdout).not.toMatch(/^j\.sh:.*\[SEC003\]/m);
    expect(r.stdout).toMatch(/^e\.py:4:1: error: downloaded code is run by exec\(\).*\[SEC003\]/m);
  });
});
