/**
 * Every format over the hazard corpus, against golden files (test/fixtures are the input; the goldens sit in
 * __snapshots__ next to this file). SARIF is validated against the official 2.1.0 schema, vendored in
 * test/fixtures/runbook/sarif (it is never downloaded).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LintReport, lintRun } from '../lint';
import { RULES } from '../rules/index';
import { select } from '../selection';
import { escapeData, escapeProperty, github } from './github';
import { githubSummary, REPORTERS } from './index';
import { sarifDocument } from './sarif';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/runbook');
const CORPUS = path.join(FIXTURES, 'corpus/hazards');

let report: LintReport;
const input = () => ({ report, rules: RULES, version: '0.0.0-test', profile: 'production' });

const run = (wholeSources: boolean) =>
  lintRun({
    cwd: CORPUS,
    paths: ['.'],
    selection: select([{ profile: 'production' }]),
    settings: { paramPrefix: 'NP_', maxTimeout: 900, shell: 'sh', profile: 'production' },
    shellcheck: null,
    // as the CLI does when rdjson is among the formats: it reads offsets in the whole text
    wholeSources,
  });

beforeAll(async () => {
  report = await run(true);
  // one suppressed finding, so suppressions show in every format that carries them
  report.findings[0]!.suppression = { kind: 'external', justification: 'in the baseline' };
});

describe('reporters', () => {
  for (const name of Object.keys(REPORTERS)) {
    it(`${name} matches its golden file`, async () => {
      await expect(REPORTERS[name]!(input())).toMatchFileSnapshot(`__snapshots__/corpus.${name}`);
    });
  }

  it('github: the step summary', async () => {
    await expect(githubSummary(input())).toMatchFileSnapshot('__snapshots__/corpus.github-summary.md');
  });

  it('text: the same code frames from the lines findings start on as from the whole texts', async () => {
    const lean = await run(false);
    lean.findings[0]!.suppression = { kind: 'external', justification: 'in the baseline' };
    const total = (sources: Map<string, string>) => [...sources.values()].reduce((n, t) => n + t.length, 0);
    expect([...lean.sources.keys()]).toEqual([...report.sources.keys()]);
    // the hazard corpus has a finding on most lines: 1,447 of 1,552 characters stay
    expect(total(lean.sources)).toBeLessThan(total(report.sources));
    expect(REPORTERS.text!({ ...input(), report: lean })).toBe(REPORTERS.text!(input()));
  });

  it('give byte-identical output on a second run', async () => {
    const again = await run(true);
    again.findings[0]!.suppression = { kind: 'external', justification: 'in the baseline' };
    for (const r of Object.values(REPORTERS)) expect(r({ ...input(), report: again })).toBe(r(input()));
  });
});

describe('sarif', () => {
  const schema = JSON.parse(readFileSync(path.join(FIXTURES, 'sarif/sarif-schema-2.1.0.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);

  it('validates against the SARIF 2.1.0 schema', () => {
    const doc = JSON.parse(REPORTERS.sarif!(input()));
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is rejected by the schema when broken (the validation can fail)', () => {
    const doc = sarifDocument(input()) as unknown as { runs: { results: { level: string }[] }[] };
    doc.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(doc)).toBe(false);
  });

  it('carries what GitHub code scanning reads', () => {
    const doc = sarifDocument(input());
    const run = doc.runs[0]!;
    expect(doc.version).toBe('2.1.0');
    const sec001 = run.tool.driver.rules.find((r) => r.id === 'SEC001')!;
    expect(sec001.properties.tags).toEqual(['runbook', 'security']);
    expect(sec001.properties['security-severity']).toBe('9.0');
    expect(sec001.help.text.length).toBeGreaterThan(50);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex!]!.id).toBe(r.ruleId);
      expect(r.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(run.results.filter((r) => r.suppressions).length).toBe(1);
  });
});

describe('github escaping', () => {
  it('escapes data and properties as the workflow-command docs say', () => {
    expect(escapeData('50%\r\nx')).toBe('50%25%0D%0Ax');
    expect(escapeProperty('a:b,c')).toBe('a%3Ab%2Cc');
  });

  it('shows at most 10 annotations per level, then one notice with the overflow', () => {
    const out = github(input());
    const errors = out.split('\n').filter((l) => l.startsWith('::error ')).length;
    expect(errors).toBe(10);
    expect(out).toMatch(/::notice title=neptune runbook lint::\d+ more findings/);
  });
});
