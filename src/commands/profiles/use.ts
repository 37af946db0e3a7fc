import { Args } from '@oclif/core';
import { commandSession } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ProfilesUse extends NeptuneCommand {
  static override summary = 'Make a profile the current one.';
  static override examples = ['<%= config.bin %> profiles use staging'];
  static override enableJsonFlag = true;
  static override args = { name: Args.string({ description: 'profile name', required: true }) };

  async run(): Promise<object> {
    const { args } = await this.parse(ProfilesUse);
    const session = await commandSession({}, this.output, this.config.version);
    const { useProfile } = await import('../../client/login');
    const profile = useProfile(session, args.name);
    this.output.info(`now using profile ${profile.name}${profile.apiUrl ? ` (${profile.apiUrl})` : ''}`);
    return profile;
  }
}
