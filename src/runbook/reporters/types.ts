/** What every reporter gets: the report, the catalog, the tool's version, and styles for the text formats. */
import type { ChalkInstance } from 'chalk';
import type { LintReport } from '../lint';
import type { Finding, Rule } from '../types';

export interface ReportInput {
  report: LintReport;
  /** The rules that ran (their metadata goes into SARIF). */
  rules: readonly Rule[];
  version: string;
  profile: string;
  /** Styles for text output; a level-0 Chalk gives plain text. */
  style?: ChalkInstance;
}

export type Reporter = (input: ReportInput) => string;

export const TOOL_NAME = 'neptune-runbook-lint';
export const DOCS_URL = 'docs/lint-rules.md';

/** Findings a human should act on: not suppressed. */
export function open(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.suppression);
}

/** The documentation anchor of a rule id (SC codes point at the ShellCheck wiki). */
export function ruleUrl(ruleId: string): string {
  if (/^SC\d+$/.test(ruleId)) return `https://www.shellcheck.net/wiki/${ruleId}`;
  return `${DOCS_URL}#${ruleId.toLowerCase()}`;
}
