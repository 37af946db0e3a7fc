import { commandSession, sessionFlags } from '../client/flags';
import { NeptuneCommand } from '../core/command';

export default class Logout extends NeptuneCommand {
  static override summary = 'Log out: revoke the login key on the server and remove it here.';
  static override description =
    `A key made by a login (device code or invitation) is revoked on the server; a key made with apikeys
create stays valid there. The local copy is always removed, even when the server cannot be reached.`;
  static override examples = ['<%= config.bin %> logout', '<%= config.bin %> logout --profile staging'];
  static override enableJsonFlag = true;
  static override flags = { profile: sessionFlags.profile };

  async run(): Promise<object> {
    const { flags } = await this.parse(Logout);
    const session = await commandSession(flags, this.output, this.config.version);
    const { logout } = await import('../client/login');
    const result = await logout(session);
    if (result.serverError) this.output.warn(`the server was not told: ${result.serverError}`);
    if (session.env.NEPTUNE_TOKEN) this.output.warn('NEPTUNE_TOKEN is still set, and commands still use it');
    this.output.info(
      result.cleared
        ? `logged out of profile ${result.profile}${result.revoked ? '; the key is revoked on the server' : ''}`
        : `profile ${result.profile} held no credentials`,
    );
    return result;
  }
}
