import { Args } from '@oclif/core';
import { ROLES } from '../../api/scopes';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class UsersSetRole extends NeptuneCommand {
  static override summary = "Change a user's role (the last admin cannot be demoted).";
  static override examples = ['<%= config.bin %> users set-role ana@example.com admin'];
  static override enableJsonFlag = true;
  static override args = {
    email: Args.string({ description: 'e-mail address', required: true }),
    role: Args.string({ description: 'new role', required: true, options: [...ROLES] }),
  };
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(UsersSetRole);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const user = await withClient(session, (client) =>
      client.setUserRole(args.email, args.role as (typeof ROLES)[number]),
    );
    this.output.info(`${user.email} is now ${user.role}`);
    return user;
  }
}
