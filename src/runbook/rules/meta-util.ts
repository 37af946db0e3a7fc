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

/** The lines of the inline manifest block: offsets and the indentation after the `#`. */
export interface ManifestLine {
  start: number;
  /** Offset after the line's newline (or the block's end). */
  next: number;
  indent: number;
  text: string;
}

export function manifestLines(ctx: RuleContext): ManifestLine[] {
  const span = ctx.manifestSpan;
  if (!span) return [];
  const out: ManifestLine[] = [];
  let at = span.start;
  while (at < span.end) {
    const nl = ctx.text.indexOf('\n', at);
    const end = nl === -1 || nl > span.end ? span.end : nl;
    const text = ctx.text.slice(at, end);
    const body = text.replace(/^#/, '');
    out.push({
      start: at,
      next: nl === -1 ? end : nl + 1,
      indent: body.length - body.trimStart().length,
      text: body.trim(),
    });
    at = nl === -1 ? span.end + 1 : nl + 1;
  }
  return out;
}

/**
 * The span of a key's lines (the key line and every deeper-indented line after it) under a parent key
 * (`null` for top-level keys), or null when it is not written in block style on its own lines.
 */
export function keyBlock(
  ctx: RuleContext,
  key: string,
  parent: string | null = null,
): { start: number; end: number; line: ManifestLine } | null {
  const lines = manifestLines(ctx);
  let from = 1; // after `# neptune:`
  let parentIndent = lines[0]?.indent ?? 0;
  let limit = lines.length;
  if (parent !== null) {
    const p = lines.findIndex((l, i) => i > 0 && l.text.startsWith(`${parent}:`));
    if (p === -1) return null;
    parentIndent = lines[p]!.indent;
    from = p + 1;
    limit = lines.findIndex((l, i) => i > p && l.indent <= parentIndent);
    if (limit === -1) limit = lines.length;
  }
  for (let i = from; i < limit; i++) {
    const l = lines[i]!;
    if (l.indent <= parentIndent || !(l.text === `${key}:` || l.text.startsWith(`${key}:`))) continue;
    let j = i + 1;
    while (j < limit && lines[j]!.indent > l.indent) j++;
    return { start: l.start, end: lines[j - 1]!.next, line: l };
  }
  return null;
}
