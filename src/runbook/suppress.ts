/**
 * Inline suppressions: `# neptune-lint disable=SAF003,SEC001 reason: …` and `# shellcheck disable=SC2086`.
 * Scoped like ShellCheck's: before the first command, the whole file; at the end of a line of code, that line;
 * otherwise the next command (or brace group, loop, if…) after the comment.
 */
import type { SNode } from './syntax';

export interface Directive {
  ids: Set<string>;
  reason: string | null;
  start: number;
  end: number;
  /** The offsets the directive covers. */
  scope: { start: number; end: number };
  /** Did it suppress anything? (for reporting unused directives later) */
  used: boolean;
}

const NEPTUNE = /#\s*neptune-lint\s+disable=([A-Za-z0-9_,\s-]+?)(?:\s+reason:\s*(.*))?\s*$/;
const SHELLCHECK = /#\s*shellcheck\s+disable=([A-Za-z0-9_,-]+)/;

export function parseDirectives(
  text: string,
  comments: { start: number; end: number }[],
  root: SNode | null,
): Directive[] {
  const out: Directive[] = [];
  const firstCode = root ? root.children.find((c) => c.named && c.type !== 'comment') : undefined;
  for (let cIndex = 0; cIndex < comments.length; cIndex++) {
    const c = comments[cIndex]!;
    const t = text.slice(c.start, c.end);
    const m = NEPTUNE.exec(t) ?? SHELLCHECK.exec(t);
    if (!m) continue;
    const ids = new Set(
      m[1]!
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    );
    const reason = m[2]?.trim() || null;
    const lineStart = text.lastIndexOf('\n', c.start - 1) + 1;
    const trailing = text.slice(lineStart, c.start).trim() !== '';
    let scope: { start: number; end: number };
    if (trailing) {
      const lineEnd = text.indexOf('\n', c.end);
      scope = { start: lineStart, end: lineEnd === -1 ? text.length : lineEnd };
    } else if (root && (!firstCode || c.end <= firstCode.start)) {
      scope = { start: 0, end: text.length };
    } else {
      scope = nextStatement(c, root, text);
    }
    out.push({ ids, reason, start: c.start, end: c.end, scope, used: false });
  }
  return out;
}

function nextStatement(
  comment: { start: number; end: number },
  root: SNode | null,
  text: string,
): { start: number; end: number } {
  if (root) {
    // the smallest container holding the comment; the first named sibling after it
    let container: SNode = root;
    for (;;) {
      const inner: SNode | undefined = container.children.find(
        (c) => c.start <= comment.start && comment.end <= c.end && c.type !== 'comment',
      );
      if (!inner) break;
      container = inner;
    }
    const next = container.children.find((c) => c.named && c.type !== 'comment' && c.start >= comment.end);
    if (next) return { start: next.start, end: next.end };
  }
  // no tree: the next non-comment line
  const re = /^[ \t]*[^#\s].*$/gm;
  re.lastIndex = comment.end;
  const m = re.exec(text);
  return m ? { start: m.index, end: m.index + m[0].length } : { start: comment.end, end: comment.end };
}
