/**
 * The body of `neptune runbook lint`: turns flags and the configuration file into a lint run, renders the
 * requested formats (stdout or files), and sets the exit code. The command file only parses flags.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { configError, fromFsError, isNeptuneError, usageError } from '../core/errors';
import { openAtomicWriter, writeFileAtomic } from '../core/fs';
import type { Output } from '../core/output';
import { type LintConfig, loadConfig } from './config';
import { baselineText, failsOn, type LintReport, lintRun, parseBaseline } from './lint';
import { durationSeconds } from './manifest';
import { PROFILE_NAMES, profile as profileOf } from './profiles';
import { batched, writeBatched } from './report-output';
import { FORMAT_NAMES, githubSummary, REPORTERS } from './reporters/index';
import { jsonChunks, jsonDocument } from './reporters/json';
import { textChunks } from './reporters/text';
import type { ReportInput } from './reporters/types';
import { findRule, RULES } from './rules/index';
import { MANIFEST_SCHEMA } from './schema';
import { type SelectionInput, select } from './selection';
import { resolveShellcheck } from './shellcheck';
import { type LintSettings, SEVERITY_RANK, type Severity } from './types';

export interface LintFlags {
  format?: string[] | undefined;
  profile?: string | undefined;
  enable?: string[] | undefined;
  disable?: string[] | undefined;
  only?: string[] | undefined;
  severity?: string | undefined;
  'fail-on'?: string | undefined;
  'max-warnings'?: number | undefined;
  config?: string | undefined;
  'no-config'?: boolean | undefined;
  fix?: boolean | undefined;
  'fix-unsafe'?: boolean | undefined;
  'fix-dry-run'?: boolean | undefined;
  baseline?: string | undefined;
  'update-baseline'?: boolean | undefined;
  shellcheck?: string | undefined;
  'shellcheck-severity'?: string | undefined;
  shell?: string | undefined;
  'param-prefix'?: string | undefined;
  'max-timeout'?: string | undefined;
  'stdin-filename'?: string | undefined;
  'list-rules'?: boolean | undefined;
  explain?: string | undefined;
  'print-schema'?: boolean | undefined;
  'print-config'?: boolean | undefined;
}

export interface LintCommandInput {
  flags: LintFlags;
  paths: string[];
  json: boolean;
  output: Output;
  version: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  readStdin: () => Promise<string>;
}

/** The profiles each rule is part of. */
export function ruleTable() {
  return RULES.map((r) => ({
    id: r.id,
    name: r.name,
    group: r.group,
    severity: r.severity,
    fix: r.fix,
    profiles: PROFILE_NAMES.filter((p) => profileOf(p).rules.has(r.id)),
    summary: r.summary,
  }));
}

function listRules(output: Output, json: boolean) {
  const table = ruleTable();
  if (json) return { rules: table };
  for (const r of table)
    output.line(
      `${r.id.padEnd(8)} ${r.name.padEnd(26)} ${r.severity.padEnd(8)} fix:${r.fix.padEnd(7)} ${r.profiles[0] ?? '-'}+  ${r.summary}`,
    );
  return undefined;
}

function explain(id: string, output: Output, json: boolean) {
  const rule = findRule(id);
  if (!rule)
    throw usageError('RUNBOOK_LINT_UNKNOWN_RULE', `unknown rule "${id}"`, {
      hint: 'neptune runbook lint --list-rules shows the ids',
    });
  const row = ruleTable().find((r) => r.id === rule.id)!;
  if (json) return { ...row, explain: rule.explain };
  output.line(
    `${rule.id} ${rule.name} (${rule.severity}; fix: ${rule.fix}; profiles: ${row.profiles.join(', ')})`,
  );
  output.line('');
  output.line(rule.summary);
  output.line('');
  output.line(rule.explain);
  return undefined;
}

interface Destination {
  format: string;
  file: string | null;
}

function parseFormats(values: string[] | undefined): Destination[] {
  const out: Destination[] = [];
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    const format = (eq === -1 ? v : v.slice(0, eq)).trim();
    const file = eq === -1 ? null : v.slice(eq + 1);
    if (!REPORTERS[format])
      throw usageError('RUNBOOK_LINT_FORMAT', `unknown format "${format}"`, {
        hint: `use one of ${FORMAT_NAMES.join(', ')}`,
      });
    if (file === '') throw usageError('RUNBOOK_LINT_FORMAT', `-f ${format}= needs a file name`);
    out.push({ format, file });
  }
  if (out.filter((d) => d.file === null).length > 1)
    throw usageError('RUNBOOK_LINT_FORMAT', 'only one format can go to stdout', {
      hint: 'write the others to files: -f sarif=lint.sarif',
    });
  return out;
}

function severityOrUndefined(v: string | undefined): Severity | undefined {
  return v === 'error' || v === 'warning' || v === 'info' ? v : undefined;
}

/** Problems in the configuration file are configuration errors (exit 78), whatever they are on the command line. */
function asConfigError<T>(file: string | null, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (isNeptuneError(error) && error.kind === 'usage')
      throw configError('RUNBOOK_LINT_CONFIG_INVALID', `${file ?? 'configuration'}: ${error.message}`, {
        ...(error.hint ? { hint: error.hint } : {}),
      });
    throw error;
  }
}

function maxTimeout(flag: string | undefined, config: LintConfig): number {
  if (flag === undefined) return config['max-timeout'] ?? 900;
  const s = /^\d+$/.test(flag) ? Number(flag) : durationSeconds(flag);
  if (s === null || s <= 0)
    throw usageError('RUNBOOK_LINT_MAX_TIMEOUT', `--max-timeout ${flag} is not a duration`, {
      hint: 'e.g. 900, 15m, 1h',
    });
  return s;
}

export async function runLintCommand(input: LintCommandInput): Promise<unknown> {
  const { flags, output, json, cwd } = input;
  if (flags['print-schema']) {
    if (json) return MANIFEST_SCHEMA;
    output.write(`${JSON.stringify(MANIFEST_SCHEMA, null, 2)}\n`);
    return undefined;
  }
  if (flags['list-rules']) return listRules(output, json);
  if (flags.explain !== undefined) return explain(flags.explain, output, json);

  const { config, file: configFile } = await loadConfig({
    cwd,
    explicit: flags.config,
    disabled: flags['no-config'] === true,
  });
  const configLayer: SelectionInput = {
    profile: config.profile,
    ...(config.enable ? { enable: config.enable } : {}),
    ...(config.disable ? { disable: config.disable } : {}),
    ...(config.severity ? { severity: config.severity } : {}),
  };
  asConfigError(configFile, () => select([configLayer]));
  const selection = select([
    configLayer,
    {
      profile: flags.profile,
      ...(flags.enable ? { enable: flags.enable } : {}),
      ...(flags.disable ? { disable: flags.disable } : {}),
      ...(flags.only ? { only: flags.only } : {}),
    },
  ]);
  const settings: LintSettings = {
    paramPrefix: flags['param-prefix'] ?? config['param-prefix'] ?? 'NP_',
    maxTimeout: maxTimeout(flags['max-timeout'], config),
    shell: (flags.shell as 'sh' | 'bash' | undefined) ?? config.shell ?? 'sh',
    profile: selection.profile,
  };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(settings.paramPrefix))
    throw usageError(
      'RUNBOOK_LINT_PARAM_PREFIX',
      `--param-prefix ${settings.paramPrefix} is not a variable prefix`,
    );
  const failOn = (flags['fail-on'] ?? config['fail-on'] ?? 'error') as Severity | 'never';
  const maxWarnings = flags['max-warnings'] ?? config['max-warnings'];
  const shellcheckMode = flags.shellcheck ?? config.shellcheck ?? 'auto';
  const floor = severityOrUndefined(flags['shellcheck-severity']) ?? selection.shellcheckFloor;
  const shellcheck = floor === null ? null : resolveShellcheck(shellcheckMode, input.env.PATH);
  if (floor !== null && shellcheck === null && shellcheckMode === 'auto')
    output.info('shellcheck is not on PATH: linting without SC findings (install it, or --shellcheck off)');
  const destinations = parseFormats(flags.format);
  if (!json && !destinations.some((d) => d.file === null) && !flags['fix-dry-run'])
    destinations.unshift({ format: 'text', file: null });
  if (json)
    for (let i = destinations.length - 1; i >= 0; i--)
      if (destinations[i]!.file === null) destinations.splice(i, 1);
  if (flags['fix-unsafe'] && !flags.fix && !flags['fix-dry-run'])
    throw usageError('RUNBOOK_LINT_FIX', '--fix-unsafe only widens --fix or --fix-dry-run', {
      hint: 'add --fix (write) or --fix-dry-run (print the diff)',
    });
  if (flags.fix && flags['fix-dry-run'])
    throw usageError('RUNBOOK_LINT_FIX', '--fix and --fix-dry-run exclude each other', {
      hint: 'use one of them',
    });

  const baselineFile = flags.baseline ?? config.baseline;
  if (flags['update-baseline'] && !baselineFile)
    throw usageError('RUNBOOK_LINT_BASELINE', '--update-baseline needs --baseline FILE');
  let baseline: Set<string> | undefined;
  if (baselineFile && !flags['update-baseline']) {
    let text: string;
    try {
      text = readFileSync(path.resolve(cwd, baselineFile), 'utf8');
    } catch (error) {
      throw fromFsError(error, baselineFile);
    }
    const parsed = parseBaseline(text);
    if (!parsed)
      throw configError('RUNBOOK_LINT_BASELINE_INVALID', `${baselineFile} is not a baseline file`, {
        hint: 'write one with --baseline FILE --update-baseline',
      });
    baseline = parsed;
  }

  if (flags['print-config']) {
    const effective = {
      configFile: configFile ? path.relative(cwd, configFile) || configFile : null,
      profile: selection.profile,
      rules: [...selection.rules].sort(),
      severity: selection.severity,
      requireReason: selection.requireReason,
      failOn,
      maxWarnings: maxWarnings ?? null,
      shellcheck: shellcheck ?? 'off',
      shellcheckSeverity: floor,
      settings,
      ignore: config.ignore ?? [],
    };
    if (json) return effective;
    output.write(`${JSON.stringify(effective, null, 2)}\n`);
    return undefined;
  }

  const paths = input.paths.length > 0 ? input.paths : ['.'];
  const stdin = paths.includes('-')
    ? { text: await input.readStdin(), filename: flags['stdin-filename'] ?? '-' }
    : undefined;
  const report = await lintRun({
    cwd,
    paths,
    stdin,
    selection,
    settings,
    shellcheck,
    shellcheckFloor: floor ?? undefined,
    baseline,
    fix: flags.fix || flags['fix-dry-run'] ? (flags['fix-unsafe'] ? 'unsafe' : 'safe') : 'off',
    dryRun: flags['fix-dry-run'] === true,
    ignore: config.ignore ?? [],
    wholeSources: destinations.some((d) => d.format === 'rdjson'),
  });
  const floorRank = SEVERITY_RANK[severityOrUndefined(flags.severity) ?? 'info'];
  report.findings = report.findings.filter((f) => SEVERITY_RANK[f.severity] >= floorRank);

  if (flags['update-baseline'] && baselineFile) {
    await writeFileAtomic(path.resolve(cwd, baselineFile), baselineText(report.findings));
    for (const f of report.findings) f.suppression ??= { kind: 'external', justification: 'in the baseline' };
    output.info(`wrote ${baselineFile}: ${report.findings.length} findings accepted`);
  }

  for (const f of report.fixed) output.info(`fixed ${f}`);
  if (flags['fix-dry-run']) for (const d of report.diffs) output.write(d.diff);
  await render(report, destinations, input, selection.profile);

  if (failsOn(report.findings, failOn, maxWarnings)) process.exitCode = 1;
  if (json) return jsonDocument({ report, rules: RULES, version: input.version, profile: selection.profile });
  return undefined;
}

/** Formats that can be written in pieces (the large ones). */
const STREAMED: Record<string, (input: ReportInput) => Iterable<string>> = {
  json: jsonChunks,
  text: textChunks,
};

async function render(
  report: LintReport,
  destinations: Destination[],
  input: LintCommandInput,
  profile: string,
) {
  const reportInput = {
    report,
    rules: RULES,
    version: input.version,
    profile,
  };
  for (const d of destinations) {
    const reporter = REPORTERS[d.format]!;
    const chunks = STREAMED[d.format];
    if (d.file === null) {
      const styled = { ...reportInput, style: input.output.style };
      if (chunks) for (const chunk of batched(chunks(styled))) await input.output.writeFlowing(chunk);
      else input.output.write(reporter(styled));
    } else if (chunks) {
      // large reports go to the file while they are produced (decision 0206)
      const writer = await openAtomicWriter(path.resolve(input.cwd, d.file));
      try {
        await writeBatched(chunks(reportInput), writer);
        await writer.commit();
      } catch (error) {
        await writer.abort();
        throw error;
      }
    } else {
      await writeFileAtomic(path.resolve(input.cwd, d.file), reporter(reportInput));
    }
    if (d.format === 'github' && input.env.GITHUB_STEP_SUMMARY) {
      try {
        appendFileSync(input.env.GITHUB_STEP_SUMMARY, githubSummary(reportInput));
      } catch (error) {
        input.output.warn(`cannot write the step summary: ${(error as Error).message}`);
      }
    }
  }
}
