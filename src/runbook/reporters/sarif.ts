/**
 * sarif: SARIF 2.1.0 as GitHub code scanning takes it. ruleId is the catalog id, every rule that ran is described
 * (help text, tags, security-severity for SEC/SCR), results carry partialFingerprints.primaryLocationLineHash
 * (stable when lines are inserted above) and `suppressions` for inline or baseline suppressions.
 */
import { GROUP_NAMES, type Severity } from '../types';
import { type Reporter, ruleUrl, TOOL_NAME } from './types';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

function uri(file: string): string {
  return file
    .split('/')
    .map((p) => encodeURIComponent(p))
    .join('/');
}

export function sarifDocument({ report, rules, version }: Parameters<Reporter>[0]) {
  const described = rules.map((r) => {
    const tags = ['runbook', GROUP_NAMES[r.group]];
    const security = r.group === 'SEC' || r.group === 'SCR';
    if (security && !tags.includes('security')) tags.push('security');
    return {
      id: r.id,
      name: r.name,
      shortDescription: { text: r.summary },
      fullDescription: { text: r.summary },
      help: { text: r.explain, markdown: `**${r.id} ${r.name}**\n\n${r.explain}` },
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: {
        tags,
        precision: 'high',
        ...(security ? { 'security-severity': r.severity === 'error' ? '9.0' : '5.0' } : {}),
      },
    };
  });
  // ShellCheck codes that appear
  const scIds = [
    ...new Set(
      report.findings
        .filter((f) => f.source === 'shellcheck' && /^SC\d+$/.test(f.ruleId))
        .map((f) => f.ruleId),
    ),
  ].sort();
  for (const id of scIds)
    described.push({
      id,
      name: `shellcheck-${id.toLowerCase()}`,
      shortDescription: { text: `ShellCheck ${id}` },
      fullDescription: { text: `ShellCheck ${id}: see ${ruleUrl(id)}` },
      help: { text: `See ${ruleUrl(id)}`, markdown: `See [${id}](${ruleUrl(id)})` },
      defaultConfiguration: { level: 'warning' },
      properties: { tags: ['runbook', 'shellcheck'], precision: 'high' },
    });
  const index = new Map(described.map((r, i) => [r.id, i]));
  const results = report.findings.map((f) => ({
    ruleId: f.ruleId,
    ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId)! } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(f.file) },
          region: {
            startLine: f.range.startLine,
            startColumn: f.range.startColumn,
            endLine: f.range.endLine,
            endColumn: Math.max(f.range.endColumn, 1),
          },
        },
      },
    ],
    partialFingerprints: { primaryLocationLineHash: f.fingerprint },
    ...(f.suppression
      ? {
          suppressions: [
            {
              kind: f.suppression.kind,
              ...(f.suppression.justification ? { justification: f.suppression.justification } : {}),
            },
          ],
        }
      : {}),
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version, semanticVersion: version, rules: described } },
        automationDetails: { id: `${TOOL_NAME}/` },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export const sarif: Reporter = (input) => `${JSON.stringify(sarifDocument(input), null, 2)}\n`;
