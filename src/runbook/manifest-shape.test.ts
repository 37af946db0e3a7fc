/**
 * Issue 27: rules read a manifest only after its shape is validated. A key of the wrong shape is reported once, by
 * META002, and every other rule treats it as absent; no shape makes a rule throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintText } from './engine';
import { PROFILE_NAMES, profile } from './profiles';
import { MANIFEST_SCHEMA } from './schema';
import type { LintSettings } from './types';

const SETTINGS: LintSettings = { paramPrefix: 'NP_', maxTimeout: 900, shell: 'sh', profile: 'production' };

const runbook = (extra: string) =>
  `#!/bin/bash\n# neptune:\n#   name: t\n#   description: test runbook\n#   mode: remediate\n#   timeout: 2m\n${extra}set -euo pipefail\nsudo systemctl restart nginx\necho "$NP_X"\n`;

async function lint(text: string, name: (typeof PROFILE_NAMES)[number], file = 'mr.sh') {
  const p = profile(name);
  return (
    await lintText(file, text, null, {
      settings: { ...SETTINGS, profile: name },
      rules: p.rules,
      severity: p.severity,
      requireReason: p.requireReason,
    })
  ).findings;
}

describe('a manifest key of the wrong shape', () => {
  it.each(PROFILE_NAMES)('sudo: a string is META002 once under %s, and no internal error', async (name) => {
    const findings = await lint(runbook('#   sudo: systemctl restart nginx\n#   hosts: [web-1]\n'), name);
    const meta002 = findings.filter((f) => f.ruleId === 'META002');
    if (profile(name).rules.has('META002')) {
      expect(meta002.map((f) => f.message)).toEqual(['manifest sudo must be array']);
    }
  });

  it.each(PROFILE_NAMES)('hosts: a string is no internal error under %s', async (name) => {
    const findings = await lint(runbook('#   hosts: web-1\n'), name);
    if (profile(name).rules.has('META002'))
      expect(findings.filter((f) => f.ruleId === 'META002').map((f) => f.message)).toEqual([
        'manifest hosts must be array',
      ]);
  });

  it.each(['#   params: [NP_X]\n', '#   params: NP_X\n'])(
    '%j is one META002 under the default profile, not one param per character',
    async (line) => {
      const findings = await lint(runbook(line), 'safety');
      expect(findings.filter((f) => f.ruleId === 'META002').map((f) => f.message)).toEqual([
        'manifest params must be object',
      ]);
      expect(findings.some((f) => /\$NP_\d/.test(f.message))).toBe(false);
      // treated as absent: $NP_X is read but not declared
      expect(findings.some((f) => f.ruleId === 'META005' && f.message.startsWith('$NP_X is read'))).toBe(
        true,
      );
    },
  );

  it('a timeout of the wrong shape is META002 alone, not also "no timeout" (META003)', async () => {
    const text = runbook('').replace('timeout: 2m', 'timeout: [2m]');
    const findings = await lint(text, 'production');
    expect(findings.filter((f) => f.ruleId === 'META003')).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'META002').length).toBeGreaterThan(0);
  });
});

// YAML flow values of every wrong shape; `null` and nesting included
const scalar = fc.oneof(
  fc.constantFrom('web-1', 'NP_X', 'systemctl restart nginx', '"*"', "''", '2m', '-1', '0', '5', '1.5'),
  fc.constantFrom('true', 'false', 'null', '~'),
);
const flow: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
  map: fc
    .array(fc.tuple(fc.constantFrom('a', 'NP_X', 'pattern', 'max', 'host', '1'), tie('value')), {
      maxLength: 3,
    })
    .map((kvs) => `{${kvs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
})).value as fc.Arbitrary<string>;
const KEYS = Object.keys(MANIFEST_SCHEMA.properties);

describe('property: no manifest shape makes the lint throw', () => {
  it('every key, any shape, every profile, bash and Python', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...KEYS), flow, { minKeys: 1, maxKeys: 5 }),
        fc.constantFrom(...PROFILE_NAMES),
        fc.boolean(),
        async (keys, name, python) => {
          const lines = ['name', 'description', 'mode', 'timeout']
            .filter((k) => !(k in keys))
            .map((k) => `#   ${k}: ${{ name: 't', description: 'd', mode: 'remediate', timeout: '2m' }[k]}`);
          for (const [k, v] of Object.entries(keys)) lines.push(`#   ${k}: ${v}`);
          const head = `# neptune:\n${lines.join('\n')}\n`;
          const text = python
            ? `#!/usr/bin/env python3\n${head}import os\nprint(os.environ["NP_X"])\n`
            : `#!/bin/bash\n${head}set -eu\nsudo systemctl restart nginx\nsleep 100\necho "$NP_X"\n`;
          await lint(text, name, python ? 'mr.py' : 'mr.sh');
        },
      ),
      { numRuns: 300 },
    );
  });
});
