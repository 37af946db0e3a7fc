import { commandSession, sessionFlags, table } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ApikeysList extends NeptuneCommand {
  static override summary = 'List API keys: your own, or every key of the account with the admin scope.';
  static override examples = ['<%= config.bin %> apikeys list', '<%= config.bin %> apikeys list --json'];
  static override enableJsonFlag = true;
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { flags } = await this.parse(ApikeysList);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const result = await withClient(session, (client) => client.listApiKeys());
    if (!this.jsonEnabled()) {
      const state = (k: (typeof result.apiKeys)[number]) =>
        k.revokedAt ? 'revoked' : k.expiresAt <= new Date().toISOString() ? 'expired' : 'active';
      this.output.line(
        table(
          result.apiKeys.map((k) => [
            k.id,
            k.name,
            `${k.prefix}…`,
            k.scopes.join(' '),
            k.userEmail,
            state(k),
            k.expiresAt.slice(0, 10),
            k.lastUsedAt ? k.lastUsedAt.slice(0, 16).replace('T', ' ') : 'never',
          ]),
          ['ID', 'NAME', 'PREFIX', 'SCOPES', 'USER', 'STATE', 'EXPIRES', 'LAST USED'],
        ),
      );
    }
    return result;
  }
}
