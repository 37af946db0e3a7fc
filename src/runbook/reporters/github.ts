/**
 * github: workflow commands (`::error file=…,line=…::message`). GitHub shows at most 10 error and 10 warning
 * annotations per step, so after 10 of a level the rest are counted in one `::notice`. githubSummary() is the
 * markdown table for $GITHUB_STEP_SUMMARY.
 */
import { tally } from '../lint';
import type { Finding } from '../types';
import { counted } from './count';
import { open, type Reporter } from './types';

const LIMIT = 10;
const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(f: Finding): string {
  const props = [
    `file=${escapeProperty(f.file)}`,
    `line=${f.range.startLine}`,
    `endLine=${f.range.endLine}`,
    `col=${f.range.startColumn}`,
    `endColumn=${f.range.endColumn}`,
    `title=${escapeProperty(`${f.ruleId} ${f.ruleName}`)}`,
  ];
  return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(f.message)}\n`;
}

export const github: Reporter = ({ report }) => {
  const shown = { error: 0, warning: 0, info: 0 };
  let hidden = 0;
  let out = '';
  for (const f of open(report.findings)) {
    if (shown[f.severity] >= LIMIT) {
      hidden++;
      continue;
    }
    shown[f.severity]++;
    out += annotation(f);
  }
  if (hidden > 0)
    out += `::notice title=neptune runbook lint::${counted(hidden, 'more finding')} not shown as annotations (GitHub shows 10 per level); see the step summary or run with --format text\n`;
  return out;
};

export function githubSummary({ report }: Parameters<Reporter>[0]): string {
  const t = tally(report.findings);
  const lines = [
    '## neptune runbook lint',
    '',
    `${counted(report.files.length, 'file')}: ${counted(t.error, 'error')}, ${counted(t.warning, 'warning')}, ${counted(t.info, 'info')}, ${counted(t.suppressed, 'suppressed')}`,
    '',
  ];
  const findings = open(report.findings);
  if (findings.length > 0) {
    lines.push('| file | line | severity | rule | message |', '| --- | --- | --- | --- | --- |');
    for (const f of findings)
      lines.push(
        `| ${f.file} | ${f.range.startLine} | ${f.severity} | ${f.ruleId} | ${f.message.replace(/\|/g, '\\|')} |`,
      );
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
