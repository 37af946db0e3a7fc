import { Flags, type Interfaces } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';
import { readStdin } from '../../core/process';
import { LINT_FLAGS, type LintFlagSpec } from '../../runbook/argv';
import type { LintFlags } from '../../runbook/cli';

function oclifFlag(spec: LintFlagSpec) {
  const common = {
    description: spec.description,
    ...(spec.char ? { char: spec.char as Interfaces.AlphabetLowercase } : {}),
  };
  const options = spec.options ? { options: [...spec.options] } : {};
  if (spec.kind === 'boolean') return Flags.boolean(common);
  if (spec.kind === 'integer')
    return Flags.integer({ ...common, ...(spec.min === undefined ? {} : { min: spec.min }) });
  if (spec.multiple) return Flags.string({ ...common, ...options, multiple: true, multipleNonGreedy: true });
  return Flags.string({ ...common, ...options });
}

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
  // One table for both paths: the launcher's lint bundle parses the same flags without oclif (decision 0209).
  static override flags = Object.fromEntries(
    Object.entries(LINT_FLAGS).map(([name, spec]) => [name, oclifFlag(spec)]),
  ) as Interfaces.FlagInput;

  async run(): Promise<unknown> {
    const { flags, argv } = await this.parse(RunbookLint);
    const { runLintCommand } = await import('../../runbook/cli');
    return runLintCommand({
      flags: flags as LintFlags,
      paths: argv as string[],
      json: this.jsonEnabled(),
      output: this.output,
      version: this.config.version,
      cwd: process.cwd(),
      env: process.env,
      readStdin,
    });
  }
}
