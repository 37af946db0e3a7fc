import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintText } from './engine';
import { applyEdits, fixText, unifiedDiff } from './fix';
import { RULES } from './rules/index';
import type { LintSettings } from './types';

const SETTINGS: LintSettings = { paramPrefix: 'NP_', maxTimeout: 900, shell: 'sh', profile: 'production' };
const ALL = new Set(RULES.map((r) => r.id));
const CORPUS = path.resolve(import.meta.dirname, '../../test/fixtures/runbook/corpus/hazards');

const NO_SKELETON = new Set([...ALL].filter((id) => id !== 'META001'));
const lint = async (file: string, text: string, rules = ALL) =>
  (await lintText(file, text, null, { settings: SETTINGS, rules })).findings;
const fix = async (file: string, text: string, unsafe = false, rules = ALL) =>
  (await fixText(text, await lint(file, text, rules), (t) => lint(file, t, rules), unsafe)).text;
const open = (fs: { suppression?: unknown }[]) => fs.filter((f) => !f.suppression).length;

function corpus(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const dir of readdirSync(CORPUS).sort())
    for (const f of readdirSync(path.join(CORPUS, dir)).sort())
      out.push({ file: `${dir}/${f}`, text: readFileSync(path.join(CORPUS, dir, f), 'utf8') });
  return out;
}

describe('applyEdits', () => {
  it('applies edits in order and skips overlapping ones', () => {
    expect(
      applyEdits('abcdef', [
        { start: 4, end: 4, text: '"' },
        { start: 1, end: 1, text: '"' },
      ]),
    ).toBe('a"bcd"ef');
    expect(
      applyEdits('abcdef', [
        { start: 1, end: 3, text: 'X' },
        { start: 2, end: 4, text: 'Y' },
      ]),
    ).toBe('aXdef');
  });
});

describe('--fix', () => {
  it('quotes alert values, guards rm paths, adds a shebang, -E and grep -E for egrep', async () => {
    const out = await fix(
      'x.sh',
      'set -eu\nkill $NP_PID\nrm -rf $DIR/x\negrep "a|b" f\ngrep "c|d" f\n',
      false,
      NO_SKELETON,
    );
    expect(out).toBe(
      '#!/bin/sh\nset -eu\nkill "$NP_PID"\nrm -rf ${DIR:?}/x\ngrep -E "a|b" f\ngrep -E "c|d" f\n',
    );
  });

  it('leaves unsafe fixes alone unless asked', async () => {
    const text = '#!/bin/sh\nset -eu\nsudo systemctl restart app\n';
    expect(await fix('x.sh', text, false, NO_SKELETON)).toBe(text);
    expect(await fix('x.sh', text, true, NO_SKELETON)).toContain('sudo -n systemctl');
  });

  it('inserts a manifest skeleton, drops unused sudo entries and params', async () => {
    expect(await fix('restart_App.sh', '#!/bin/sh\nset -eu\nsystemctl restart app\n')).toBe(
      '#!/bin/sh\n# neptune:\n#   name: restart_app\n#   description: restart_app (describe what it does)\n#   mode: remediate\n#   timeout: 2m\nset -eu\nsystemctl restart app\n',
    );
    const m = '#!/bin/sh\n# neptune:\n#   name: t\n#   description: d\n#   mode: diagnose\n#   timeout: 1m\n';
    expect(
      await fix(
        'x.sh',
        `${m}#   sudo: [kill, systemctl]\nset -eu\nsudo -n systemctl status app\n`,
        false,
        new Set(['META004']),
      ),
    ).toBe(`${m}#   sudo: ["systemctl"]\nset -eu\nsudo -n systemctl status app\n`);
    expect(
      await fix(
        'x.sh',
        `${m}#   params:\n#     host:\n#       pattern: x\nset -eu\necho hi\n`,
        false,
        new Set(['META005']),
      ),
    ).toBe(`${m}set -eu\necho hi\n`);
  });

  for (const { file, text } of corpus()) {
    it(`on ${file}: idempotent, parses as before, and never raises the count of findings`, async () => {
      const once = await fix(file, text);
      const twice = await fix(file, once);
      expect(twice).toBe(once);
      const before = await lint(file, text);
      const after = await lint(file, once);
      expect(open(after)).toBeLessThanOrEqual(open(before));
      expect(after.some((f) => f.ruleId === 'ROB004')).toBe(before.some((f) => f.ruleId === 'ROB004'));
      if (!file.endsWith('.py')) {
        // the result parses whenever the original did (a <placeholder> can be a syntax error already)
        const shell = once.startsWith('#!/bin/bash') ? 'bash' : 'sh';
        const was = spawnSync(shell, ['-n'], { input: text }).status;
        const r = spawnSync(shell, ['-n'], { input: once });
        if (was === 0) expect(r.status, r.stderr.toString()).toBe(0);
      }
    });
  }
});

describe('unifiedDiff', () => {
  it('prints a patch with a/ and b/ paths, and nothing for equal texts', () => {
    expect(unifiedDiff('x.sh', 'a\nb\n', 'a\nc\n')).toBe(
      '--- a/x.sh\n+++ b/x.sh\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n',
    );
    expect(unifiedDiff('x.sh', 'a\n', 'a\n')).toBe('');
  });
});
