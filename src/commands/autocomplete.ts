import { Args } from '@oclif/core';
import { NeptuneCommand } from '../core/command';
import { usageError } from '../core/errors';

export default class Autocomplete extends NeptuneCommand {
  static override summary = 'Print a shell completion script (bash or zsh).';
  static override description = `Prints the script on stdout. Load it from your shell's start-up file:
  bash:  echo 'eval "$(neptune autocomplete bash)"' >> ~/.bashrc
  zsh:   echo 'eval "$(neptune autocomplete zsh)"' >> ~/.zshrc`;
  static override examples = ['<%= config.bin %> autocomplete bash', '<%= config.bin %> autocomplete zsh'];
  static override args = {
    shell: Args.string({ description: 'bash or zsh (default: from $SHELL)', options: ['bash', 'zsh'] }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(Autocomplete);
    const { completionScript } = await import('../completion/scripts');
    const fromEnv = (process.env.SHELL ?? '').split('/').pop();
    const shell = args.shell ?? (fromEnv === 'zsh' || fromEnv === 'bash' ? fromEnv : undefined);
    if (!shell) {
      throw usageError('AUTOCOMPLETE_SHELL', 'cannot tell the shell from $SHELL', {
        hint: 'name it: neptune autocomplete bash, or neptune autocomplete zsh',
      });
    }
    const commands = this.config.commands
      .filter((c) => !c.hidden)
      .map((c) => ({
        id: c.id.replaceAll(':', ' '),
        summary: c.summary ?? c.description?.split('\n')[0] ?? '',
        flags: Object.keys(c.flags ?? {}).filter((f) => !c.flags[f]?.hidden),
      }));
    this.output.write(completionScript(shell as 'bash' | 'zsh', commands, this.config.bin));
  }
}
