import { Args, Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class UsersRemove extends NeptuneCommand {
  static override summary = 'Remove a user from the account; their API keys stop working.';
  static override examples = ['<%= config.bin %> users remove ana@example.com --yes'];
  static override enableJsonFlag = true;
  static override args = { email: Args.string({ description: 'e-mail address', required: true }) };
  static override flags = {
    ...sessionFlags,
    yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(UsersRemove);
    const { confirm } = await import('../../client/confirm');
    await confirm(
      `remove ${args.email} and revoke their keys`,
      args.email,
      flags.yes,
      'neptune users remove',
    );
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const result = await withClient(session, (client) => client.removeUser(args.email));
    this.output.info(`removed ${args.email}`);
    return { email: args.email, ...result };
  }
}
