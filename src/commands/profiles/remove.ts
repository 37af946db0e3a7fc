import { Args } from '@oclif/core';
import { commandSession } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ProfilesRemove extends NeptuneCommand {
  static override summary =
    'Remove a profile and its stored key (here only; use logout to revoke a login key).';
  static override examples = ['<%= config.bin %> profiles remove staging'];
  static override enableJsonFlag = true;
  static override args = { name: Args.string({ description: 'profile name', required: true }) };

  async run(): Promise<object> {
    const { args } = await this.parse(ProfilesRemove);
    const session = await commandSession({}, this.output, this.config.version);
    const { removeProfile } = await import('../../client/login');
    const result = await removeProfile(session, args.name);
    this.output.info(`removed profile ${args.name}`);
    return result;
  }
}
