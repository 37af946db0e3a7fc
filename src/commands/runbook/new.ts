import { Args, Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class RunbookNew extends NeptuneCommand {
  static override summary = 'Create a runbook skeleton with a valid manifest.';
  static override description =
    `Writes <name>.sh (or <name>.py with --lang python) in the current directory, or the
file named by --output. The skeleton lints clean under --profile production; edit it from there.

Exit codes: 0 written, 64 bad name or the file exists (use --force).`;
  static override examples = [
    '<%= config.bin %> runbook new restart-nginx',
    '<%= config.bin %> runbook new disk-report --lang python -o runbooks/disk-report.py',
  ];
  static override enableJsonFlag = true;
  static override args = {
    name: Args.string({
      required: true,
      description: 'Runbook name: lower case letters, digits, ".", "_" and "-".',
    }),
  };
  static override flags = {
    lang: Flags.string({
      options: ['bash', 'python'],
      default: 'bash',
      description: 'Language of the runbook.',
    }),
    output: Flags.string({ char: 'o', description: 'File to write (default: ./<name>.sh or ./<name>.py).' }),
    force: Flags.boolean({ description: 'Overwrite an existing file.' }),
  };

  async run(): Promise<{ file: string; name: string; lang: string }> {
    const { args, flags } = await this.parse(RunbookNew);
    const { createRunbook } = await import('../../runbook/create');
    const result = await createRunbook({
      name: args.name,
      lang: flags.lang as 'bash' | 'python',
      output: flags.output,
      force: flags.force,
      cwd: process.cwd(),
    });
    this.output.info(
      `wrote ${result.file}: lint it with neptune runbook lint --profile production ${result.file}`,
    );
    return result;
  }
}
