import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class RunbookLint extends NeptuneCommand {
  static override summary =
    'Lint runbooks for the hazards of unattended remediation (and ShellCheck findings).';
  static override description =
    `Lints shell and Python runbooks and their manifests: alert values reaching commands
unquoted or as code, secrets, unguarded deletes, kills by pattern, destructive actions without a gate, sleeps past
the timeout, missing strict mode, manifest mismatches, portability. Paths default to "."; "-" reads stdin.

Exit codes: 0 no finding at or above --fail-on, 1 findings (or more warnings than --max-warnings), 64 usage,
66 a path is missing, 69 --shellcheck PATH is not there, 78 bad configuration.`;
  static override examples = [
    '<%= config.bin %> runbook lint runbooks/',
    '<%= config.bin %> runbook lint --profile production -f text -f sarif=lint.sarif .',
    '<%= config.bin %> runbook lint --fix-dry-run restart.sh',
    'cat fix.sh | <%= config.bin %> runbook lint - --stdin-filename fix.sh',
    '<%= config.bin %> runbook lint --explain SAF003',
  ];
  static override strict = false;
  static override enableJsonFlag = true;
  static override flags = {
    format: Flags.string({
      char: 'f',
      multiple: true,
      multipleNonGreedy: true,
      description:
        'Output format, repeatable; FORMAT=FILE writes to a file: text (default), compact, json, sarif, github, checkstyle, rdjson, rdjsonl.',
    }),
    profile: Flags.string({ description: 'Rule profile: min, basic, safety (default), production.' }),
    enable: Flags.string({
      multiple: true,
      multipleNonGreedy: true,
      description: 'Also run these rules (ids, names, groups, SC codes).',
    }),
    disable: Flags.string({
      multiple: true,
      multipleNonGreedy: true,
      description: 'Do not run these rules (ids, names, groups, SC codes).',
    }),
    only: Flags.string({ multiple: true, multipleNonGreedy: true, description: 'Run only these rules.' }),
    severity: Flags.string({
      options: ['error', 'warning', 'info'],
      description: 'Report only findings at or above this level.',
    }),
    'fail-on': Flags.string({
      options: ['error', 'warning', 'info', 'never'],
      description: 'Exit 1 when a finding is at or above this level (default error).',
    }),
    'max-warnings': Flags.integer({ min: 0, description: 'Exit 1 when there are more warnings than this.' }),
    config: Flags.string({
      char: 'c',
      description: 'Configuration file (default: .neptune/runbook-lint.yaml, searched upward).',
    }),
    'no-config': Flags.boolean({ description: 'Ignore configuration files.' }),
    fix: Flags.boolean({ description: 'Apply safe fixes in place.' }),
    'fix-unsafe': Flags.boolean({
      description: 'Also apply fixes that can change behaviour (with --fix or --fix-dry-run).',
    }),
    'fix-dry-run': Flags.boolean({ description: 'Print the fixes as a unified diff; change nothing.' }),
    baseline: Flags.string({ description: 'Accept the findings recorded in this file (fingerprints).' }),
    'update-baseline': Flags.boolean({ description: 'Write the current findings to the --baseline file.' }),
    shellcheck: Flags.string({
      description: 'ShellCheck as an extra source: auto (if on PATH), off, or its path.',
    }),
    'shellcheck-severity': Flags.string({
      options: ['error', 'warning', 'info'],
      description: 'Lowest ShellCheck level reported (default from the profile: warning).',
    }),
    shell: Flags.string({
      options: ['sh', 'bash'],
      description: 'Dialect of files without a shebang (default sh).',
    }),
    'param-prefix': Flags.string({
      description: 'Prefix of the environment variables that carry alert values (default NP_).',
    }),
    'max-timeout': Flags.string({ description: 'Largest allowed manifest timeout (default 900s).' }),
    'stdin-filename': Flags.string({ description: 'The name to report for "-" (stdin).' }),
    'list-rules': Flags.boolean({ description: 'List the rules and the profiles they are in.' }),
    explain: Flags.string({ description: 'Explain a rule (id or name).' }),
    'print-schema': Flags.boolean({ description: 'Print the JSON schema of the runbook manifest.' }),
    'print-config': Flags.boolean({ description: 'Print the effective configuration.' }),
  };

  async run(): Promise<unknown> {
    const { flags, argv } = await this.parse(RunbookLint);
    const { runLintCommand } = await import('../../runbook/cli');
    return runLintCommand({
      flags,
      paths: argv as string[],
      json: this.jsonEnabled(),
      output: this.output,
      version: this.config.version,
      cwd: process.cwd(),
      env: process.env,
      readStdin: async () => {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      },
    });
  }
}
