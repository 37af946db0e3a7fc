/**
 * Lints one runbook's text: runs the selected rules, places findings, applies inline suppressions and computes
 * fingerprints. Pure: no file system, no clock.
 */
import { analyze } from './analyze';
import { RULES } from './rules/index';
import { commentSpans } from './rules/util';
import { parseDirectives } from './suppress';
import type { Finding, LintSettings, Range, RawFinding, Rule, RuleContext, Severity } from './types';

export interface EngineOptions {
  settings: LintSettings;
  /** Rule ids to run. */
  rules: ReadonlySet<string>;
  /** Severity changes by rule id (profile, config). */
  severity?: Readonly<Record<string, Severity>>;
  /** Production: a suppression without a reason does not count. */
  requireReason?: boolean;
  /**
   * One string per distinct message for a whole run (lintRun passes one): a run holds every finding until the
   * report, and most messages repeat across files, while a built message is a chain of pieces that can keep its
   * file's text alive (decision 0208).
   */
  messages?: Map<string, string>;
}

export interface FileResult {
  file: string;
  findings: Finding[];
  context: RuleContext;
}

export function positionOf(lineStarts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}

export function rangeOf(lineStarts: number[], start: number, end: number): Range {
  const s = positionOf(lineStarts, start);
  const e = positionOf(lineStarts, Math.max(end, start));
  return { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
}

function applies(rule: Rule, ctx: RuleContext): boolean {
  if (rule.languages !== 'all' && !rule.languages.includes(ctx.language)) return false;
  // rules that read the shell/Python model need it (a bash rule on an sh file is fine)
  if (rule.languages !== 'all' && (ctx.language === 'bash' || ctx.language === 'sh') && !ctx.shell)
    return false;
  if (rule.languages !== 'all' && ctx.language === 'python' && !ctx.python) return false;
  return true;
}

/** Findings about the file as a whole: their fingerprint must not depend on what happens to be on line 1. */
const FILE_LEVEL = new Set(['ROB001', 'ROB002', 'META001']);

let hash: typeof import('node:crypto').hash | undefined;

/**
 * sha256 of (rule, path, whitespace-normalised line text, occurrence of that triple): stable when lines are
 * inserted above, so SARIF, baselines and JSON consumers can follow a finding across edits.
 */
export function fingerprints(
  findings: Omit<Finding, 'fingerprint'>[],
  line: (index: number) => string | undefined,
): string[] {
  if (findings.length === 0) return [];
  // node:crypto on the first finding, not at start-up: a clean run never loads it (decision 0212)
  hash ??= (process.getBuiltinModule('node:crypto') as typeof import('node:crypto')).hash;
  const sha = hash;
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const lineText = FILE_LEVEL.has(f.ruleId)
      ? '(file)'
      : (line(f.range.startLine - 1) ?? '').replace(/\s+/g, ' ').trim();
    const key = `${f.ruleId}\u0000${f.file}\u0000${lineText}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    // The first 32 hex digits as a flat string (join copies), not a slice that keeps the 64-digit one alive.
    // One-shot crypto.hash straight to hex: a Hash object per finding cost ~20 µs, a Buffer ~1 µs of 1.3.
    const digest = sha('sha256', `${key}\u0000${n}`, 'hex');
    return [digest.slice(0, 16), digest.slice(16, 32)].join('');
  });
}

/** Line `index` (0-based) without its newline, as `text.split('\n')[index]` would give it. */
export function lineAt(text: string, lineStarts: readonly number[], index: number): string | undefined {
  const start = lineStarts[index];
  if (start === undefined) return undefined;
  const next = lineStarts[index + 1];
  return text.slice(start, next === undefined ? text.length : next - 1);
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.range.startLine - b.range.startLine ||
    a.range.startColumn - b.range.startColumn ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

export async function lintText(
  file: string,
  text: string,
  sidecar: string | null,
  options: EngineOptions,
): Promise<FileResult> {
  const ctx = await analyze(file, text, sidecar, options.settings);
  const raw: { rule: Rule; f: RawFinding }[] = [];
  for (let ruleIndex = 0; ruleIndex < RULES.length; ruleIndex++) {
    const rule = RULES[ruleIndex]!;
    if (!options.rules.has(rule.id) || !applies(rule, ctx)) continue;
    const found = rule.check(ctx);
    for (let k = 0; k < found.length; k++) raw.push({ rule, f: found[k]! });
  }
  const directives = parseDirectives(text, commentSpans(ctx), ctx.tree);
  const messages = options.messages;
  const partial = raw.map(({ rule, f }) => {
    let message = f.message;
    const directive = directives.find(
      (d) => d.ids.has(rule.id) && f.start >= d.scope.start && f.start <= d.scope.end,
    );
    let suppression: Finding['suppression'];
    if (directive) {
      if (options.requireReason && !directive.reason) {
        message += ' (its suppression is ignored: the production profile requires "reason: …")';
      } else {
        directive.used = true;
        suppression = {
          kind: 'inSource',
          ...(directive.reason ? { justification: directive.reason } : {}),
        };
      }
    }
    if (messages) {
      const known = messages.get(message);
      if (known === undefined) messages.set(message, message);
      else message = known;
    }
    // the final shape at once (fingerprint filled in below): the run keeps these until the report
    const finding: Finding = {
      ruleId: rule.id,
      ruleName: rule.name,
      severity: options.severity?.[rule.id] ?? f.severity ?? rule.severity,
      message,
      file,
      range: rangeOf(ctx.lineStarts, f.start, f.end),
      source: 'neptune',
      ...(f.fix ? { fix: f.fix } : {}),
      ...(suppression ? { suppression } : {}),
      fingerprint: '',
    };
    return finding;
  });
  partial.sort(compareFindings);
  // only the lines that have findings, not the whole file split
  const prints = fingerprints(partial, (i) => lineAt(text, ctx.lineStarts, i));
  for (let i = 0; i < partial.length; i++) partial[i]!.fingerprint = prints[i]!;
  return { file, findings: dedupe(partial), context: ctx };
}

/** One finding per rule and position. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}:${f.range.startLine}:${f.range.startColumn}:${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Inline directives that name a ShellCheck code, so the ShellCheck adapter can honor them. */
export function directivesFor(ctx: RuleContext) {
  return parseDirectives(ctx.text, commentSpans(ctx), ctx.tree);
}
