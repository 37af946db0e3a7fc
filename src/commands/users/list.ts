import { commandSession, sessionFlags, table } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class UsersList extends NeptuneCommand {
  static override summary = 'List the users of the account.';
  static override examples = ['<%= config.bin %> users list'];
  static override enableJsonFlag = true;
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { flags } = await this.parse(UsersList);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const result = await withClient(session, (client) => client.listUsers());
    if (!this.jsonEnabled()) {
      this.output.line(
        table(
          result.users.map((u) => [u.email, u.role, u.status, u.createdAt.slice(0, 10)]),
          ['EMAIL', 'ROLE', 'STATUS', 'SINCE'],
        ),
      );
    }
    return result;
  }
}
