/** The shared vocabulary of the runbook linter: findings, rules, fixes. */
import type { Manifest } from './manifest';
import type { PyModel } from './python/model';
import type { ShellModel } from './shell/model';
import type { SNode } from './syntax';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export type RuleGroup = 'SEC' | 'SCR' | 'SAF' | 'ROB' | 'META' | 'PORT';
export const GROUP_NAMES: Record<RuleGroup, string> = {
  SEC: 'security',
  SCR: 'secrets',
  SAF: 'safety',
  ROB: 'robustness',
  META: 'manifest',
  PORT: 'portability',
};

/** 1-based lines and columns; the end column is exclusive. */
export interface Range {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** A text replacement on [start, end) of the file's characters. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  description: string;
  edits: Edit[];
  /** Unsafe fixes are applied only with --fix-unsafe. */
  safe: boolean;
}

export interface Suppression {
  kind: 'inSource' | 'external';
  justification?: string;
}

export interface Finding {
  ruleId: string;
  ruleName: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  fix?: Fix;
  fingerprint: string;
  source: 'neptune' | 'shellcheck';
  suppression?: Suppression;
}

/** What a rule reports, before the engine adds file, fingerprint and the rule's identity. */
export interface RawFinding {
  message: string;
  /** Character offsets in the file. */
  start: number;
  end: number;
  /** Overrides the rule's default severity (rules with two levels, e.g. E/W). */
  severity?: Severity;
  fix?: Fix;
}

export type Language = 'bash' | 'sh' | 'python' | 'pwsh' | 'other';

export interface LintSettings {
  /** Alert values arrive in environment variables with this prefix. */
  paramPrefix: string;
  /** Largest allowed manifest timeout, in seconds. */
  maxTimeout: number;
  /** The dialect of files without a shebang (the agent runs them with /bin/sh). */
  shell: 'sh' | 'bash';
  profile: string;
}

/** Everything a rule can look at for one file. */
export interface RuleContext {
  file: string;
  text: string;
  language: Language;
  /** The interpreter line, if any (without `#!`). */
  shebang: string | null;
  manifest: Manifest | null;
  /** Where the manifest came from, for locating findings about it. */
  manifestSpan: { start: number; end: number } | null;
  manifestProblems: ManifestProblem[];
  tree: SNode | null;
  shell: ShellModel | null;
  python: PyModel | null;
  settings: LintSettings;
  /** Line starts, for offset <-> position. */
  lineStarts: number[];
}

export interface ManifestProblem {
  message: string;
  /** Offset in the runbook (inline manifest) or null (sidecar: reported at the top). */
  start: number;
  end: number;
  /** A missing required key, reported by META002 except `timeout` (META003). */
  missingKey?: string;
  /** The top-level key a wrong shape is under: the rules treat that key (or that part of it) as absent. */
  key?: string;
}

export interface Rule {
  id: string;
  name: string;
  group: RuleGroup;
  severity: Severity;
  /** One line: why this is a hazard. */
  summary: string;
  /** The --explain text: rationale, an example and what to do instead. */
  explain: string;
  /** 'safe' fixes run with --fix, 'unsafe' only with --fix-unsafe. */
  fix: 'safe' | 'unsafe' | 'none';
  languages: Language[] | 'all';
  check(ctx: RuleContext): RawFinding[];
}
