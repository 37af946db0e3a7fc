/** text: grouped by file, one line per finding with a code frame, then a summary line. */
import { Chalk } from 'chalk';
import { tally } from '../lint';
import type { Finding } from '../types';
import { counted } from './count';
import { open, type Reporter, type ReportInput, ruleUrl } from './types';

function frame(f: Finding, lines: string[] | undefined): string[] {
  if (lines === undefined) return [];
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

/**
 * The text report in pieces (one per file, then the summary), so a large run is written while it is produced
 * instead of held as one string; `text` joins them.
 */
export function* textChunks({ report, style }: ReportInput): Generator<string> {
  const s = style ?? new Chalk({ level: 0 });
  const findings = open(report.findings);
  let out: string[] = [];
  let current: string | null = null;
  let lines: string[] | undefined;
  let any = false;
  for (let fIndex = 0; fIndex < findings.length; fIndex++) {
    const f = findings[fIndex]!;
    if (f.file !== current) {
      if (current !== null) {
        out.push('');
        yield `${out.join('\n')}\n`;
        out = [];
      }
      out.push(s.underline(f.file));
      current = f.file;
      // split each source once per file, not once per finding
      lines = report.sources.get(f.file)?.split('\n');
      any = true;
    }
    const sev =
      f.severity === 'error'
        ? s.red('error  ')
        : f.severity === 'warning'
          ? s.yellow('warning')
          : s.blue('info   ');
    const where = `${f.range.startLine}:${f.range.startColumn}`.padEnd(7);
    out.push(`  ${s.dim(where)} ${sev}  ${f.message}  ${s.dim(`${f.ruleId} ${ruleUrl(f.ruleId)}`)}`);
    for (const l of frame(f, lines)) out.push(s.dim(l));
  }
  const t = tally(report.findings);
  const total = t.error + t.warning + t.info;
  const fixable = findings.filter((f) => f.fix?.safe).length;
  if (any) out.push('');
  const files = counted(report.files.length, 'file');
  const summary =
    total === 0
      ? `no problems in ${files}`
      : `${counted(total, 'problem')} (${counted(t.error, 'error')}, ${counted(t.warning, 'warning')}, ${counted(t.info, 'info')}) in ${files}`;
  const extras = [
    t.suppressed > 0 ? `${t.suppressed} suppressed` : '',
    fixable > 0 ? `${fixable} fixable with --fix` : '',
  ].filter(Boolean);
  out.push(
    (total === 0 ? s.green(summary) : t.error > 0 ? s.red(summary) : s.yellow(summary)) +
      (extras.length > 0 ? `; ${extras.join('; ')}` : ''),
  );
  yield `${out.join('\n')}\n`;
}

export const text: Reporter = (input) => [...textChunks(input)].join('');
