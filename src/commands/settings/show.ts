import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

interface Settings {
  lintProfile: string;
  sources: { lintProfile: 'account' | 'default' };
}

export default class SettingsShow extends NeptuneCommand {
  static override summary =
    "Show the account's settings (the lint profile runbook pushes are checked under).";
  static override examples = ['<%= config.bin %> settings show'];
  static override enableJsonFlag = true;
  static override flags = { ...sessionFlags };

  async run(): Promise<Settings> {
    const { flags } = await this.parse(SettingsShow);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { call } = await import('../../client/remediation');
    const settings = await withClient(session, (c) => call<Settings>(c, 'getSettings'));
    if (!this.jsonEnabled())
      this.output.line(
        `lint-profile  ${settings.lintProfile}${settings.sources.lintProfile === 'default' ? '  (server default)' : ''}`,
      );
    return settings;
  }
}
