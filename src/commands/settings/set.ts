import { Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';
import { PROFILE_NAMES } from '../../runbook/profiles';

export default class SettingsSet extends NeptuneCommand {
  static override summary = "Change the account's settings (admin); the change is audited.";
  static override description =
    `--lint-profile: the profile \`runbook push\` lints under (min ⊂ basic ⊂ safety ⊂
production, docs/runbooks.md); a push with lint errors under it is refused unless forced. Default: safety.`;
  static override examples = ['<%= config.bin %> settings set --lint-profile production'];
  static override enableJsonFlag = true;
  static override flags = {
    ...sessionFlags,
    'lint-profile': Flags.string({
      description: 'The lint profile runbook pushes are checked under.',
      options: [...PROFILE_NAMES],
      required: true,
    }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(SettingsSet);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { call } = await import('../../client/remediation');
    const settings = await withClient(session, (c) =>
      call<{ lintProfile: string }>(c, 'setSettings', { body: { lintProfile: flags['lint-profile'] } }),
    );
    this.output.info(`runbook pushes are linted under the ${settings.lintProfile} profile`);
    return settings;
  }
}
