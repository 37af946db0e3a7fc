/**
 * The flags of `neptune runbook lint`, one table for both ways in: the oclif command (src/commands/runbook/lint.ts)
 * builds its flags from it, and the lint bundle (src/runbook/main.ts, decision 0209) parses argv with it without
 * oclif. The bundle takes only argv that cannot fail to parse; anything else (help, --json, unknown, repeated or
 * empty flags, values outside a flag's options, `--`) goes to the full CLI, so every parse error is oclif's own.
 */
import type { LintFlags } from './cli';

export interface LintFlagSpec {
  kind: 'string' | 'boolean' | 'integer';
  description: string;
  char?: string;
  /** Repeatable, one value per occurrence (oclif's multiple + multipleNonGreedy). */
  multiple?: boolean;
  options?: readonly string[];
  min?: number;
}

const SEVERITIES = ['error', 'warning', 'info'] as const;

export const LINT_FLAGS = {
  format: {
    kind: 'string',
    char: 'f',
    multiple: true,
    description:
      'Output format, repeatable; FORMAT=FILE writes to a file: text (default), compact, json, sarif, github, checkstyle, rdjson, rdjsonl.',
  },
  profile: { kind: 'string', description: 'Rule profile: min, basic, safety (default), production.' },
  enable: {
    kind: 'string',
    multiple: true,
    description: 'Also run these rules (ids, names, groups, SC codes).',
  },
  disable: {
    kind: 'string',
    multiple: true,
    description: 'Do not run these rules (ids, names, groups, SC codes).',
  },
  only: { kind: 'string', multiple: true, description: 'Run only these rules.' },
  severity: {
    kind: 'string',
    options: SEVERITIES,
    description: 'Report only findings at or above this level.',
  },
  'fail-on': {
    kind: 'string',
    options: [...SEVERITIES, 'never'],
    description: 'Exit 1 when a finding is at or above this level (default error).',
  },
  'max-warnings': { kind: 'integer', min: 0, description: 'Exit 1 when there are more warnings than this.' },
  config: {
    kind: 'string',
    char: 'c',
    description: 'Configuration file (default: .neptune/runbook-lint.yaml, searched upward).',
  },
  'no-config': { kind: 'boolean', description: 'Ignore configuration files.' },
  fix: { kind: 'boolean', description: 'Apply safe fixes in place.' },
  'fix-unsafe': {
    kind: 'boolean',
    description: 'Also apply fixes that can change behaviour (with --fix or --fix-dry-run).',
  },
  'fix-dry-run': { kind: 'boolean', description: 'Print the fixes as a unified diff; change nothing.' },
  baseline: { kind: 'string', description: 'Accept the findings recorded in this file (fingerprints).' },
  'update-baseline': { kind: 'boolean', description: 'Write the current findings to the --baseline file.' },
  shellcheck: {
    kind: 'string',
    description: 'ShellCheck as an extra source: auto (if on PATH), off, or its path.',
  },
  'shellcheck-severity': {
    kind: 'string',
    options: SEVERITIES,
    description: 'Lowest ShellCheck level reported (default from the profile: warning).',
  },
  shell: {
    kind: 'string',
    options: ['sh', 'bash'],
    description: 'Dialect of files without a shebang (default sh).',
  },
  'param-prefix': {
    kind: 'string',
    description: 'Prefix of the environment variables that carry alert values (default NP_).',
  },
  'max-timeout': { kind: 'string', description: 'Largest allowed manifest timeout (default 900s).' },
  'stdin-filename': { kind: 'string', description: 'The name to report for "-" (stdin).' },
  'list-rules': { kind: 'boolean', description: 'List the rules and the profiles they are in.' },
  explain: { kind: 'string', description: 'Explain a rule (id or name).' },
  'print-schema': { kind: 'boolean', description: 'Print the JSON schema of the runbook manifest.' },
  'print-config': { kind: 'boolean', description: 'Print the effective configuration.' },
} as const satisfies Record<keyof LintFlags, LintFlagSpec>;

export interface ParsedLint {
  flags: LintFlags;
  paths: string[];
  debug: boolean;
  quiet: boolean;
  noColor: boolean;
}

/** The global switches by argv word, and the flag each one sets (--color and --no-color are one flag to oclif). */
const SWITCHES: Record<string, 'debug' | 'quiet' | 'color'> = {
  '--debug': 'debug',
  '--quiet': 'quiet',
  '-q': 'quiet',
  '--color': 'color',
  '--no-color': 'color',
};

const BY_CHAR = new Map<string, string>(
  Object.entries(LINT_FLAGS as Record<string, LintFlagSpec>).flatMap(([name, spec]) =>
    spec.char ? [[`-${spec.char}`, name] as const] : [],
  ),
);

/**
 * The argv after `runbook lint` as oclif would read it, or undefined when oclif should parse (and judge) it. Paths
 * are the words that are not flags, and `-` (stdin).
 */
export function parseLintArgv(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ParsedLint | undefined {
  const flags: Record<string, string | string[] | number | boolean> = {};
  const switches = new Map<string, string>();
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const sw = SWITCHES[arg];
    if (sw) {
      if (switches.has(sw)) return undefined;
      switches.set(sw, arg);
      continue;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      paths.push(arg);
      continue;
    }
    let name: string | undefined;
    let value: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) value = arg.slice(eq + 1);
    } else name = BY_CHAR.get(arg);
    if (name === undefined || !Object.hasOwn(LINT_FLAGS, name)) return undefined;
    const spec: LintFlagSpec = LINT_FLAGS[name as keyof typeof LINT_FLAGS];
    if (Object.hasOwn(flags, name) && !spec.multiple) return undefined;
    if (spec.kind === 'boolean') {
      if (value !== undefined) return undefined;
      flags[name] = true;
      continue;
    }
    if (value === undefined) value = argv[++i];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (spec.options && !spec.options.includes(value)) return undefined;
    if (spec.kind === 'integer') {
      if (!/^\d{1,9}$/.test(value) || Number(value) < (spec.min ?? 0)) return undefined;
      flags[name] = Number(value);
    } else if (spec.multiple) flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else flags[name] = value;
  }
  return {
    flags: flags as LintFlags,
    paths,
    debug: switches.has('debug') || env.NEPTUNE_DEBUG === '1',
    quiet: switches.has('quiet'),
    noColor: switches.get('color') === '--no-color',
  };
}
