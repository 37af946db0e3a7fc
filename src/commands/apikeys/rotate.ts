import { Args } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ApikeysRotate extends NeptuneCommand {
  static override summary =
    'Replace an API key by a new secret (same name, scopes and lifetime); the old one is revoked.';
  static override examples = ['<%= config.bin %> apikeys rotate 3f0c…-… > new-key.txt'];
  static override enableJsonFlag = true;
  static override args = { id: Args.string({ description: 'key id (see apikeys list)', required: true }) };
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(ApikeysRotate);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const created = await withClient(session, (client) => client.rotateApiKey(args.id));
    if (!this.jsonEnabled()) {
      this.output.line(created.secret);
      this.output.info(
        `${args.id} is revoked; its replacement is ${created.apiKey.id} (secret above, shown once)`,
      );
    }
    return created;
  }
}
