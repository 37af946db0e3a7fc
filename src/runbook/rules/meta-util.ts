/** Where in the runbook a manifest key is written, for precise findings (falls back to the block). */
import type { RuleContext } from '../types';

export function keySpan(ctx: RuleContext, key: string): { start: number; end: number } {
  const span = ctx.manifestSpan;
  if (!span) return { start: 0, end: 0 };
  const block = ctx.text.slice(span.start, span.end);
  const re = new RegExp(`^#\\s+${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`, 'm');
  const m = re.exec(block);
  if (!m)
    return {
      start: span.start,
      end: ctx.text.indexOf('\n', span.start) === -1 ? span.end : ctx.text.indexOf('\n', span.start),
    };
  const s = span.start + m.index + m[0].indexOf(key);
  return { start: s, end: s + key.length };
}

/** Where a finding about the manifest as a whole goes: its opening line, or the file's first line. */
export function manifestHead(ctx: RuleContext): { start: number; end: number } {
  if (ctx.manifestSpan) {
    const nl = ctx.text.indexOf('\n', ctx.manifestSpan.start);
    return { start: ctx.manifestSpan.start, end: nl === -1 ? ctx.manifestSpan.end : nl };
  }
  const nl = ctx.text.indexOf('\n');
  return { start: 0, end: nl === -1 ? ctx.text.length : nl };
}
