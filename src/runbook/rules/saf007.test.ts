import { describe, expect, it } from 'vitest';
import { lintText } from '../engine';
import type { LintSettings } from '../types';

const SETTINGS: LintSettings = { paramPrefix: 'NP_', maxTimeout: 900, shell: 'sh', profile: 'production' };
const runbook = (body: string) =>
  `#!/bin/bash\n# neptune:\n#   name: t\n#   description: test runbook\n#   mode: remediate\n#   timeout: 5m\nset -euo pipefail\n${body}`;
const saf007 = async (text: string) =>
  (await lintText('mr.sh', text, null, { settings: SETTINGS, rules: new Set(['SAF007']) })).findings;

describe('SAF007: one finding for one chain of sleeps (issue 27)', () => {
  it('sleep 100; sleep 100; sleep 200 under 5m is one error, not also a warning', async () => {
    const findings = await saf007(runbook('sleep 100; sleep 100; sleep 200\n'));
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ['error', 'sleeps add up to 400s, more than the 300s timeout: the agent kills the runbook here'],
    ]);
  });

  it('a chain past half of the timeout but within it is one warning', async () => {
    const findings = await saf007(runbook('sleep 100\nsleep 100\n'));
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
  });
});
