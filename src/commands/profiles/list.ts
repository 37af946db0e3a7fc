import { commandSession, sessionFlags, table } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ProfilesList extends NeptuneCommand {
  static override summary = 'List the profiles (server, account and user of each; * marks the current one).';
  static override examples = ['<%= config.bin %> profiles list'];
  static override enableJsonFlag = true;
  static override flags = { profile: sessionFlags.profile };

  async run(): Promise<object> {
    const { flags } = await this.parse(ProfilesList);
    const session = await commandSession(flags, this.output, this.config.version);
    const { listProfiles } = await import('../../client/login');
    const profiles = listProfiles(session);
    if (!this.jsonEnabled()) {
      if (profiles.length === 0) this.output.info('no profiles yet: run neptune login');
      else
        this.output.line(
          table(
            profiles.map((p) => [
              `${p.current ? '*' : ' '} ${p.name}`,
              p.apiUrl ?? '-',
              p.account ?? '-',
              p.user ?? '-',
            ]),
            ['  PROFILE', 'SERVER', 'ACCOUNT', 'USER'],
          ),
        );
    }
    return { profiles };
  }
}
