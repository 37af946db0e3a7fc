/**
 * rdjson / rdjsonl: reviewdog's diagnostic format. Columns are 1-based UTF-8 byte offsets, ends exclusive; safe
 * fixes become suggestions.
 */
import { positionOf } from '../engine';
import type { Finding } from '../types';
import { open, type Reporter, ruleUrl, TOOL_NAME } from './types';

const SEVERITY = { error: 'ERROR', warning: 'WARNING', info: 'INFO' } as const;

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function byteColumn(text: string, starts: number[], line: number, column: number): number {
  const s = starts[line - 1] ?? 0;
  return Buffer.byteLength(text.slice(s, s + column - 1), 'utf8') + 1;
}

function diagnostic(f: Finding, text: string | undefined) {
  const starts = text === undefined ? null : lineStarts(text);
  const pos = (line: number, column: number) => ({
    line,
    column: text !== undefined && starts ? byteColumn(text, starts, line, column) : column,
  });
  const range = (start: number, end: number) => {
    const a = starts ? positionOf(starts, start) : { line: 1, column: 1 };
    const b = starts ? positionOf(starts, end) : a;
    return { start: pos(a.line, a.column), end: pos(b.line, b.column) };
  };
  return {
    message: f.message,
    location: {
      path: f.file,
      range: {
        start: pos(f.range.startLine, f.range.startColumn),
        end: pos(f.range.endLine, f.range.endColumn),
      },
    },
    severity: SEVERITY[f.severity],
    source: { name: TOOL_NAME },
    code: { value: f.ruleId, url: ruleUrl(f.ruleId) },
    ...(f.fix?.safe && starts
      ? { suggestions: f.fix.edits.map((e) => ({ range: range(e.start, e.end), text: e.text })) }
      : {}),
  };
}

export const rdjson: Reporter = ({ report }) =>
  `${JSON.stringify(
    {
      source: { name: TOOL_NAME },
      diagnostics: open(report.findings).map((f) => diagnostic(f, report.sources.get(f.file))),
    },
    null,
    2,
  )}\n`;

export const rdjsonl: Reporter = ({ report }) =>
  open(report.findings)
    .map((f) => `${JSON.stringify(diagnostic(f, report.sources.get(f.file)))}\n`)
    .join('');
