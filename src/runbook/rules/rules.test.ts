/**
 * Every rule against positive fixtures (the rule must report) and negative ones (it must not), run alone so one
 * rule's findings cannot hide another's. Error-level rules have at least 5 of each.
 */
import { describe, expect, it } from 'vitest';
import { lintText } from '../engine';
import type { LintSettings } from '../types';
import { CASES, type Case } from './fixtures';
import { RULES } from './index';

const SETTINGS: LintSettings = { paramPrefix: 'NP_', maxTimeout: 900, shell: 'sh', profile: 'production' };

async function run(id: string, text: string, file = 't.sh', sidecar: string | null = null) {
  const r = await lintText(file, text, sidecar, { settings: SETTINGS, rules: new Set([id]) });
  return r.findings;
}

const norm = (c: Case) => (typeof c === 'string' ? { text: c } : c);

describe('rule catalog', () => {
  it('has a table entry for every rule, and enough fixtures for error-level rules', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const r of RULES) {
      const c = CASES[r.id]!;
      expect(c.pos.length, `${r.id} positives`).toBeGreaterThanOrEqual(r.severity === 'error' ? 5 : 1);
      expect(c.neg.length, `${r.id} negatives`).toBeGreaterThanOrEqual(r.severity === 'error' ? 5 : 1);
    }
  });

  for (const [id, { pos, neg }] of Object.entries(CASES)) {
    describe(id, () => {
      pos.map(norm).forEach((c, i) => {
        it(`reports positive #${i + 1}`, async () => {
          const found = await run(id, c.text, c.file, c.sidecar ?? null);
          expect(
            found.map((f) => f.ruleId),
            c.text,
          ).toContain(id);
        });
      });
      neg.map(norm).forEach((c, i) => {
        it(`is silent on negative #${i + 1}`, async () => {
          const found = await run(id, c.text, c.file, c.sidecar ?? null);
          expect(
            found.map((f) => `${f.range.startLine}: ${f.message}`),
            c.text,
          ).toEqual([]);
        });
      });
    });
  }
});
