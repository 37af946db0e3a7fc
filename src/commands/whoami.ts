import { commandSession, sessionFlags } from '../client/flags';
import { NeptuneCommand } from '../core/command';

export default class Whoami extends NeptuneCommand {
  static override summary = 'Show the account, user, role and key in use.';
  static override description =
    `Asks the server who the credentials belong to. Says where the token came from: NEPTUNE_TOKEN (which
wins over stored credentials), the OS keychain, or the credentials file.`;
  static override examples = ['<%= config.bin %> whoami', '<%= config.bin %> whoami --json'];
  static override enableJsonFlag = true;
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { flags } = await this.parse(Whoami);
    const session = await commandSession(flags, this.output, this.config.version);
    const { whoami } = await import('../client/login');
    const me = await whoami(session);
    if (me.tokenSource === 'env') this.output.warn('using NEPTUNE_TOKEN, which wins over stored credentials');
    if (!this.jsonEnabled()) {
      const source = { env: 'NEPTUNE_TOKEN', keychain: 'the OS keychain', file: 'the credentials file' }[
        me.tokenSource
      ];
      this.output.line(`account  ${me.account.handle}`);
      this.output.line(`user     ${me.user.email}`);
      this.output.line(`role     ${me.user.role}`);
      this.output.line(`server   ${me.apiUrl}`);
      this.output.line(`profile  ${me.profile}`);
      this.output.line(`key      ${me.key.name} (${me.key.prefix}…, scopes ${me.key.scopes.join(' ')})`);
      this.output.line(`expires  ${me.key.expiresAt}`);
      this.output.line(`token    from ${source}`);
    }
    return me;
  }
}
