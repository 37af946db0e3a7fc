/**
 * `neptune runbook lint` as a plain function: find the runbooks under the given paths, lint each (rules, inline
 * suppressions, fingerprints), optionally fix them, add ShellCheck's findings from one batched run, apply the
 * baseline, and return one sorted report. File access goes through `io` so tests can run it in memory.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fromFsError, inputMissing } from '../core/errors';
import { writeFileAtomic } from '../core/fs';
import { lineStartsOf } from './analyze';
import { compareFindings, directivesFor, fingerprints, lineAt, lintText, rangeOf } from './engine';
import { fixText, unifiedDiff } from './fix';
import { collectGarbage, heapGuard } from './gc';
import { tuneForLargeRun } from './large-run';
import type { Selection } from './selection';
import { type ScComment, type ScInput, scSeverity, shellcheckFiles } from './shellcheck';
import type { Directive } from './suppress';
import { type Finding, type Language, type LintSettings, SEVERITY_RANK, type Severity } from './types';

export interface LintIo {
  readFile(file: string): Promise<string>;
  writeFile(file: string, text: string): Promise<void>;
}

export const realIo: LintIo = {
  // synchronous reads (and directory listings): runbooks are small, a thread-pool round trip per file costs more
  // than the read, and node:fs/promises would load with readline for every run (decision 0212)
  readFile: async (file) => readFileSync(file, 'utf8'),
  writeFile: async (file, text) => {
    const mode = statSync(file).mode & 0o7777;
    await writeFileAtomic(file, text, { mode });
  },
};

export interface LintRunOptions {
  cwd: string;
  /** Files and directories; `-` reads `stdin`. */
  paths: string[];
  stdin?: { text: string; filename: string } | undefined;
  selection: Selection;
  settings: LintSettings;
  /** The ShellCheck executable, or null to skip it. */
  shellcheck: string | null;
  shellcheckFloor?: Severity | undefined;
  /** Fingerprints of accepted findings. */
  baseline?: ReadonlySet<string> | undefined;
  fix?: 'off' | 'safe' | 'unsafe';
  /** Compute fixes but write nothing: report diffs instead. */
  dryRun?: boolean;
  /** Globs (relative to cwd) never linted when found in a directory. */
  ignore?: string[];
  /**
   * Keep the whole text of every file with findings in `sources` (rdjson reads offsets in it); otherwise only the
   * lines findings start on, which is all a code frame shows.
   */
  wholeSources?: boolean;
  io?: LintIo;
}

export interface LintReport {
  files: string[];
  /** Sorted by (file, line, column, rule); suppressed findings carry `suppression`. */
  findings: Finding[];
  /** --fix-dry-run: one unified diff per changed file; --fix: the files written. */
  diffs: { file: string; diff: string }[];
  fixed: string[];
  /**
   * The text of every file with findings: whole with `wholeSources`, else `frameText` (each line where a finding
   * starts, the other lines empty).
   */
  sources: Map<string, string>;
}

/**
 * The text with only the lines findings start on, the others empty: what a code frame reads, at the same line
 * numbers. A large run keeps it for every file with findings until the report: 29% of the characters of the
 * benchmark's 10,000 files (decision 0212). A new flat string (join copies), so the file's text can go.
 */
export function frameText(text: string, findings: readonly Finding[]): string {
  const lines = text.split('\n');
  const shown = new Set<number>();
  for (let k = 0; k < findings.length; k++) shown.add(findings[k]!.range.startLine - 1);
  for (let i = 0; i < lines.length; i++) if (!shown.has(i)) lines[i] = '';
  return lines.join('\n');
}

/** Heap growth (MB) that triggers a full collection in a large run. */
const GC_SLACK_MB = Number(process.env.NEPTUNE_LINT_GC_SLACK ?? 48);

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn', '.neptune']);
const RUNBOOK_EXT = /\.(sh|bash|ksh|dash|py)$/i;

/** A path as shown in reports: relative to cwd, with forward slashes. */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return (rel === '' ? path.basename(file) : rel).split(path.sep).join('/');
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

async function looksLikeRunbook(file: string, io: LintIo): Promise<boolean> {
  if (file.endsWith('.neptune.yaml')) return false;
  if (RUNBOOK_EXT.test(file)) return true;
  if (path.extname(file) !== '') return false;
  try {
    const head = (await io.readFile(file)).slice(0, 2);
    return head === '#!';
  } catch {
    return false;
  }
}

/** The runbook files under the given paths, sorted; a missing path is exit 66. */
export async function discover(
  cwd: string,
  paths: string[],
  ignore: string[],
  io: LintIo,
  sidecars: Set<string> = new Set(),
): Promise<string[]> {
  const found = new Set<string>();
  const ignored = (abs: string) => {
    const rel = displayPath(cwd, abs);
    return ignore.some((g) => path.matchesGlob(rel, g) || path.matchesGlob(rel, `${g}/**`));
  };
  const walkDir = async (dir: string): Promise<void> => {
    const entries = readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (ignored(abs)) continue;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walkDir(abs);
      } else if (e.isFile() && e.name.endsWith('.neptune.yaml')) sidecars.add(abs);
      else if (e.isFile() && (await looksLikeRunbook(abs, io))) found.add(abs);
    }
  };
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let s: ReturnType<typeof statSync>;
    try {
      s = statSync(abs);
    } catch (error) {
      const e = fromFsError(error, p);
      throw e instanceof Error && 'kind' in e
        ? e
        : inputMissing('RUNBOOK_LINT_PATH', `${p}: cannot read it`, { cause: error });
    }
    if (s.isDirectory()) await walkDir(abs);
    else {
      found.add(abs);
      if (isFile(`${abs}.neptune.yaml`)) sidecars.add(`${abs}.neptune.yaml`);
    }
  }
  return [...found].sort();
}

async function readSidecar(file: string, io: LintIo, sidecars: Set<string>): Promise<string | null> {
  if (!sidecars.has(`${file}.neptune.yaml`)) return null;
  try {
    return await io.readFile(`${file}.neptune.yaml`);
  } catch (error) {
    throw fromFsError(error, `${file}.neptune.yaml`);
  }
}

/**
 * What a run keeps of a linted file until the report (decision 0208): its findings, and its text only when a code
 * frame or ShellCheck needs it. The tree, the models and the rules' working data are dropped file by file.
 */
interface Linted {
  display: string;
  abs: string | null;
  text: string | null;
  changed: boolean;
  findings: Finding[];
  /** What the ShellCheck merge reads, kept only when ShellCheck runs. */
  sc: ScContext | null;
}

interface ScContext {
  text: string;
  language: Language;
  shebang: string | null;
  shell: LintSettings['shell'];
  directives: Directive[];
}

export async function lintRun(options: LintRunOptions): Promise<LintReport> {
  const io = options.io ?? realIo;
  const sel = options.selection;
  const engine = {
    settings: options.settings,
    rules: sel.rules,
    severity: sel.severity,
    requireReason: sel.requireReason,
    messages: new Map<string, string>(),
  };
  const targets: { display: string; abs: string | null; text: () => Promise<string> }[] = [];
  const diskPaths = options.paths.filter((p) => p !== '-');
  const sidecars = new Set<string>();
  if (options.paths.includes('-')) {
    const stdin = options.stdin ?? { text: '', filename: '-' };
    targets.push({ display: stdin.filename, abs: null, text: async () => stdin.text });
  }
  if (diskPaths.length > 0 || !options.paths.includes('-')) {
    const files = await discover(
      options.cwd,
      diskPaths.length > 0 ? diskPaths : ['.'],
      options.ignore ?? [],
      io,
      sidecars,
    );
    for (const abs of files)
      targets.push({
        display: displayPath(options.cwd, abs),
        abs,
        text: async () => {
          try {
            return await io.readFile(abs);
          } catch (error) {
            throw fromFsError(error, displayPath(options.cwd, abs));
          }
        },
      });
  }

  const linted: Linted[] = [];
  const diffs: { file: string; diff: string }[] = [];
  const fixed: string[] = [];
  // runs of a few files never collect; large ones stay near their live set (decisions 0207, 0208) and skip
  // TurboFan (0209)
  const large = targets.length >= 100;
  if (large) tuneForLargeRun();
  const tick = large ? heapGuard(100, GC_SLACK_MB) : () => {};
  for (const t of targets) {
    tick();
    const original = await t.text();
    const sidecar = t.abs ? await readSidecar(t.abs, io, sidecars) : null;
    let result = await lintText(t.display, original, sidecar, engine);
    let text = original;
    if (options.fix && options.fix !== 'off') {
      const outcome = await fixText(
        original,
        result.findings,
        async (candidate) => (await lintText(t.display, candidate, sidecar, engine)).findings,
        options.fix === 'unsafe',
      );
      if (outcome.text !== original) {
        text = outcome.text;
        result = await lintText(t.display, text, sidecar, engine);
        if (options.dryRun || !t.abs)
          diffs.push({ file: t.display, diff: unifiedDiff(t.display, original, text) });
        if (!options.dryRun && t.abs) {
          await io.writeFile(t.abs, text);
          fixed.push(t.display);
        }
      }
    }
    const ctx = result.context;
    const shellFile = ctx.language === 'bash' || ctx.language === 'sh';
    const forShellcheck = Boolean(options.shellcheck) && shellFile;
    linted.push({
      display: t.display,
      abs: t.abs,
      // whole while ShellCheck's findings are still to come (sc below holds it for the merge anyway)
      text: forShellcheck
        ? text
        : result.findings.length === 0
          ? null
          : options.wholeSources
            ? text
            : frameText(text, result.findings),
      changed: text !== original,
      findings: result.findings,
      sc: forShellcheck
        ? {
            text,
            language: ctx.language,
            shebang: ctx.shebang,
            shell: ctx.settings.shell,
            // fresh directives, as the merge always read them (lintText marks the ones it used)
            directives: directivesFor(ctx),
          }
        : null,
    });
  }

  // the report's allocations start from the live set, not from what the last files left behind
  if (large) collectGarbage();
  if (options.shellcheck && options.shellcheckFloor !== undefined) {
    await addShellcheck(options.shellcheck, options.shellcheckFloor, linted, sel, options.dryRun === true);
  }

  const all: Finding[] = [];
  for (const l of linted) all.push(...l.findings);
  if (options.baseline) {
    for (const f of all)
      if (!f.suppression && options.baseline.has(f.fingerprint))
        f.suppression = { kind: 'external', justification: 'in the baseline' };
  }
  all.sort(compareFindings);
  const sources = new Map<string, string>();
  for (const l of linted)
    if (l.findings.length > 0 && l.text !== null)
      sources.set(l.display, options.wholeSources || !l.sc ? l.text : frameText(l.text, l.findings));
  return { files: linted.map((l) => l.display).sort(), findings: all, diffs, fixed, sources };
}

async function addShellcheck(
  bin: string,
  floor: Severity,
  linted: Linted[],
  sel: Selection,
  dryRun: boolean,
): Promise<void> {
  const shellFiles = linted.filter((l): l is Linted & { sc: ScContext } => l.sc !== null);
  const inputs: ScInput[] = shellFiles.map((l) => ({
    key: l.display,
    // a fixed file was rewritten on disk; with --fix-dry-run the text exists only in memory
    diskPath: l.abs && !(l.changed && dryRun) ? l.abs : null,
    text: l.sc.text,
    dialect: l.sc.shebang === null ? l.sc.shell : null,
  }));
  const results = await shellcheckFiles(bin, inputs, floor);
  for (const l of shellFiles) {
    const comments = results.get(l.display) ?? [];
    if (comments.length === 0) continue;
    l.findings = mergeShellcheck(l, comments, sel, floor);
  }
}

/** Maps ShellCheck comments into findings: SC1xxx fold into ROB004, duplicates of our findings are dropped. */
function mergeShellcheck(
  l: Linted & { sc: ScContext },
  comments: ScComment[],
  sel: Selection,
  floor: Severity,
): Finding[] {
  const ctx = { lineStarts: lineStartsOf(l.sc.text) };
  const ours = l.findings;
  const directives = l.sc.directives;
  const extra: Omit<Finding, 'fingerprint'>[] = [];
  const hasParseError = ours.some((f) => f.ruleId === 'ROB004');
  for (const c of comments) {
    const id = `SC${c.code}`;
    const lineStart = ctx.lineStarts[c.line - 1] ?? 0;
    const endStart = ctx.lineStarts[c.endLine - 1] ?? lineStart;
    const start = lineStart + c.column - 1;
    const end = Math.max(start, endStart + c.endColumn - 1);
    if (c.code >= 1000 && c.code < 2000) {
      if (hasParseError || !sel.rules.has('ROB004') || extra.some((f) => f.ruleId === 'ROB004')) continue;
      extra.push({
        ruleId: 'ROB004',
        ruleName: 'parse-error',
        severity: sel.severity.ROB004 ?? 'error',
        message: `shell syntax error (ShellCheck ${id}): ${c.message}`,
        file: l.display,
        range: rangeOf(ctx.lineStarts, start, end),
        source: 'shellcheck',
      });
      continue;
    }
    if (sel.shellcheckDisabled.has(id)) continue;
    const severity = sel.severity[id] ?? scSeverity(c.level);
    if (SEVERITY_RANK[severity] < SEVERITY_RANK[floor] && !sel.shellcheckEnabled.has(id)) continue;
    const range = rangeOf(ctx.lineStarts, start, end);
    if (ours.some((f) => f.range.startLine === range.startLine && f.range.startColumn === range.startColumn))
      continue;
    const finding: Omit<Finding, 'fingerprint'> = {
      ruleId: id,
      ruleName: `shellcheck-${id.toLowerCase()}`,
      severity,
      message: c.message,
      file: l.display,
      range,
      source: 'shellcheck',
    };
    const directive = directives.find((d) => d.ids.has(id) && start >= d.scope.start && start <= d.scope.end);
    if (directive && (directive.reason || !sel.requireReason))
      finding.suppression = {
        kind: 'inSource',
        ...(directive.reason ? { justification: directive.reason } : {}),
      };
    extra.push(finding);
  }
  if (extra.length === 0) return ours;
  const prints = fingerprints(extra, (i) => lineAt(l.sc.text, ctx.lineStarts, i));
  // fingerprints count occurrences per (rule, line text): ShellCheck ids never collide with ours
  const merged = [...ours, ...extra.map((f, i) => ({ ...f, fingerprint: prints[i]! }) as Finding)];
  return merged.sort(compareFindings);
}

/** Counts of findings that are not suppressed, by severity. */
export function tally(findings: Finding[]): Record<Severity, number> & { suppressed: number } {
  const t = { error: 0, warning: 0, info: 0, suppressed: 0 };
  for (const f of findings) {
    if (f.suppression) t.suppressed++;
    else t[f.severity]++;
  }
  return t;
}

/** Does the run fail: a finding at or above --fail-on, or more warnings than --max-warnings? */
export function failsOn(
  findings: Finding[],
  failOn: Severity | 'never',
  maxWarnings: number | undefined,
): boolean {
  const t = tally(findings);
  if (maxWarnings !== undefined && t.warning > maxWarnings) return true;
  if (failOn === 'never') return false;
  return findings.some((f) => !f.suppression && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
}

/** The baseline file: the fingerprints of accepted findings. */
export function baselineText(findings: Finding[]): string {
  const entries = findings
    .filter((f) => !f.suppression || f.suppression.kind === 'external')
    .map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, file: f.file, line: f.range.startLine }));
  return `${JSON.stringify({ version: 1, tool: 'neptune runbook lint', findings: entries }, null, 2)}\n`;
}

export function parseBaseline(text: string): Set<string> | null {
  try {
    const value = JSON.parse(text) as { version?: unknown; findings?: { fingerprint?: unknown }[] };
    if (value.version !== 1 || !Array.isArray(value.findings)) return null;
    const out = new Set<string>();
    for (const f of value.findings) if (typeof f.fingerprint === 'string') out.add(f.fingerprint);
    return out;
  } catch {
    return null;
  }
}
