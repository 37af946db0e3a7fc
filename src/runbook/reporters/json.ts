/** json: the versioned machine format; suppressed findings are included with their `suppression`. */
import { tally } from '../lint';
import { type Reporter, TOOL_NAME } from './types';

export const JSON_FORMAT_VERSION = 1;

export function jsonDocument({ report, version, profile }: Parameters<Reporter>[0]) {
  return {
    version: JSON_FORMAT_VERSION,
    tool: { name: TOOL_NAME, version },
    profile,
    files: report.files,
    summary: { files: report.files.length, ...tally(report.findings) },
    findings: report.findings.map((f) => ({
      ruleId: f.ruleId,
      ruleName: f.ruleName,
      severity: f.severity,
      message: f.message,
      file: f.file,
      range: f.range,
      ...(f.fix ? { fix: { description: f.fix.description, safe: f.fix.safe, edits: f.fix.edits } } : {}),
      fingerprint: f.fingerprint,
      source: f.source,
      ...(f.suppression ? { suppression: f.suppression } : {}),
    })),
  };
}

export const json: Reporter = (input) => `${JSON.stringify(jsonDocument(input), null, 2)}\n`;
