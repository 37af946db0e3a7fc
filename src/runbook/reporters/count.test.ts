import { describe, expect, it } from 'vitest';
import type { Finding } from '../types';
import { counted } from './count';
import { githubSummary } from './github';
import { text } from './text';

const finding = (severity: Finding['severity']): Finding =>
  ({
    ruleId: 'X001',
    ruleName: 'x',
    severity,
    message: 'm',
    file: 'a.sh',
    range: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 },
    source: 'neptune',
    fingerprint: 'f',
  }) as Finding;

describe('count words (issue 27: "1 infos")', () => {
  it('singular for one, plural otherwise; info and suppressed never take an s', () => {
    expect(counted(1, 'error')).toBe('1 error');
    expect(counted(0, 'error')).toBe('0 errors');
    expect(counted(2, 'warning')).toBe('2 warnings');
    expect(counted(1, 'info')).toBe('1 info');
    expect(counted(13, 'info')).toBe('13 info');
    expect(counted(1, 'file')).toBe('1 file');
  });

  it('the GitHub step summary and the text summary say "1 info", "1 error", "1 warning"', () => {
    const report = {
      files: ['a.sh'],
      findings: [finding('error'), finding('warning'), finding('info')],
      diffs: [],
      fixed: [],
      sources: new Map([['a.sh', 'x\n']]),
    };
    const input = { report, color: false } as unknown as Parameters<typeof githubSummary>[0];
    const summary = githubSummary(input);
    expect(summary).toMatch(/1 file: 1 error, 1 warning, 1 info, 0 suppressed/);
    expect(summary).not.toMatch(/infos|1 errors|1 warnings/);
    expect(text(input)).toMatch(/3 problems \(1 error, 1 warning, 1 info\) in 1 file/);
  });
});
