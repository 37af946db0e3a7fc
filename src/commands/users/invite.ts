import { Args, Flags } from '@oclif/core';
import { ROLES } from '../../api/scopes';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class UsersInvite extends NeptuneCommand {
  static override summary = 'Invite a user; prints a one-time invitation token (valid 7 days) on stdout.';
  static override description =
    `Give the token to the person invited, over a private channel. They log in with it once:
  neptune login --api-url URL --ca-file CA --with-token < invitation.txt`;
  static override examples = [
    '<%= config.bin %> users invite ana@example.com --role operator > invitation.txt',
  ];
  static override enableJsonFlag = true;
  static override args = { email: Args.string({ description: 'e-mail address', required: true }) };
  static override flags = {
    ...sessionFlags,
    role: Flags.string({ description: 'Role in the account.', required: true, options: [...ROLES] }),
  };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(UsersInvite);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const result = await withClient(session, (client) =>
      client.inviteUser({ email: args.email, role: flags.role as (typeof ROLES)[number] }),
    );
    if (!this.jsonEnabled()) {
      this.output.line(result.token);
      this.output.info(
        `invited ${result.user.email} as ${result.user.role}; the token above is shown once and expires ${result.expiresAt}`,
      );
    }
    return result;
  }
}
