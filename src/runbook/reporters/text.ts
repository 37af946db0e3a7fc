/** text: grouped by file, one line per finding with a code frame, then a summary line. */
import { Chalk } from 'chalk';
import { tally } from '../lint';
import type { Finding } from '../types';
import { open, type Reporter, ruleUrl } from './types';

function frame(f: Finding, source: string | undefined): string[] {
  if (source === undefined) return [];
  const lines = source.split('\n');
  const line = (lines[f.range.startLine - 1] ?? '').replace(/\r$/, '');
  if (line.trim() === '') return [];
  const shown = line.replace(/\t/g, ' ');
  const width =
    f.range.endLine === f.range.startLine
      ? Math.max(1, f.range.endColumn - f.range.startColumn)
      : Math.max(1, shown.length - f.range.startColumn + 1);
  const pad = ' '.repeat(Math.max(0, f.range.startColumn - 1));
  return [`      ${shown}`, `      ${pad}${'^'.repeat(Math.min(width, Math.max(1, shown.length)))}`];
}

export const text: Reporter = ({ report, style }) => {
  const s = style ?? new Chalk({ level: 0 });
  const findings = open(report.findings);
  const out: string[] = [];
  let current: string | null = null;
  for (const f of findings) {
    if (f.file !== current) {
      if (current !== null) out.push('');
      out.push(s.underline(f.file));
      current = f.file;
    }
    const sev =
      f.severity === 'error'
        ? s.red('error  ')
        : f.severity === 'warning'
          ? s.yellow('warning')
          : s.blue('info   ');
    const where = `${f.range.startLine}:${f.range.startColumn}`.padEnd(7);
    out.push(`  ${s.dim(where)} ${sev}  ${f.message}  ${s.dim(`${f.ruleId} ${ruleUrl(f.ruleId)}`)}`);
    out.push(...frame(f, report.sources.get(f.file)).map((l) => s.dim(l)));
  }
  const t = tally(report.findings);
  const total = t.error + t.warning + t.info;
  const fixable = findings.filter((f) => f.fix?.safe).length;
  if (out.length > 0) out.push('');
  const files = `${report.files.length} file${report.files.length === 1 ? '' : 's'}`;
  const summary =
    total === 0
      ? `no problems in ${files}`
      : `${total} problem${total === 1 ? '' : 's'} (${t.error} error${t.error === 1 ? '' : 's'}, ${t.warning} warning${t.warning === 1 ? '' : 's'}, ${t.info} info) in ${files}`;
  const extras = [
    t.suppressed > 0 ? `${t.suppressed} suppressed` : '',
    fixable > 0 ? `${fixable} fixable with --fix` : '',
  ].filter(Boolean);
  out.push(
    (total === 0 ? s.green(summary) : t.error > 0 ? s.red(summary) : s.yellow(summary)) +
      (extras.length > 0 ? `; ${extras.join('; ')}` : ''),
  );
  return `${out.join('\n')}\n`;
};
