/**
 * --fix: applies the fixes of findings (safe ones; unsafe ones too with --fix-unsafe), pass after pass, until
 * nothing changes. A pass is kept only if the result still parses and the count of findings does not rise, so a
 * fix can never make a runbook worse. Running it twice changes nothing the second time (fixed point).
 */
import { structuredPatch } from 'diff';
import type { Edit, Finding } from './types';

/** Applies non-overlapping edits (the first one wins where two overlap). */
export function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) continue;
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** The edits of one pass: each finding's fix is taken whole, or not at all if it overlaps an earlier one. */
export function editsOf(findings: Finding[], unsafe: boolean): Edit[] {
  const taken: Edit[] = [];
  const overlaps = (a: Edit, b: Edit) =>
    a.start < b.end && b.start < a.end ? true : a.start === a.end && b.start === b.end && a.start === b.start;
  for (const f of findings) {
    if (!f.fix || f.suppression || (!f.fix.safe && !unsafe)) continue;
    const edits = f.fix.edits;
    if (edits.some((e) => taken.some((t) => overlaps(e, t) && !(e.text === t.text && e.start === t.start))))
      continue;
    for (const e of edits)
      if (!taken.some((t) => t.start === e.start && t.end === e.end && t.text === e.text)) taken.push(e);
  }
  return taken;
}

export interface FixOutcome {
  text: string;
  passes: number;
  /** Fixes applied in total. */
  applied: number;
}

const isParseError = (f: Finding) => f.ruleId === 'ROB004' && !f.suppression;
const open = (fs: Finding[]) => fs.filter((f) => !f.suppression).length;

/**
 * Fixes one text. `lint` re-lints a candidate text. Stops at a fixed point, after 10 passes, or at the first pass
 * that would break parsing or raise the count of findings (that pass is dropped).
 */
export async function fixText(
  text: string,
  first: Finding[],
  lint: (text: string) => Promise<Finding[]>,
  unsafe: boolean,
): Promise<FixOutcome> {
  let current = text;
  let findings = first;
  let applied = 0;
  let passes = 0;
  const parsedBefore = !findings.some(isParseError);
  for (; passes < 10; passes++) {
    const edits = editsOf(findings, unsafe);
    if (edits.length === 0) break;
    const candidate = applyEdits(current, edits);
    if (candidate === current) break;
    const next = await lint(candidate);
    if ((parsedBefore && next.some(isParseError)) || open(next) > open(findings)) break;
    applied += findings.filter((f) => f.fix && !f.suppression && (f.fix.safe || unsafe)).length;
    current = candidate;
    findings = next;
  }
  return { text: current, passes, applied };
}

/** A unified diff (git apply -p0 style paths a/ b/). */
export function unifiedDiff(file: string, before: string, after: string): string {
  const patch = structuredPatch(`a/${file}`, `b/${file}`, before, after, '', '', { context: 3 });
  if (patch.hunks.length === 0) return '';
  const lines = [`--- a/${file}`, `+++ b/${file}`];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    lines.push(...h.lines);
  }
  return `${lines.join('\n')}\n`;
}
