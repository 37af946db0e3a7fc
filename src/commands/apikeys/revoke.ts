import { Args, Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ApikeysRevoke extends NeptuneCommand {
  static override summary = 'Revoke an API key by its id (it stops working at once).';
  static override examples = ['<%= config.bin %> apikeys revoke 3f0c…-… --yes'];
  static override enableJsonFlag = true;
  static override args = { id: Args.string({ description: 'key id (see apikeys list)', required: true }) };
  static override flags = {
    ...sessionFlags,
    yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(ApikeysRevoke);
    const { confirm } = await import('../../client/confirm');
    await confirm(`revoke the API key ${args.id}`, args.id, flags.yes, 'neptune apikeys revoke');
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const result = await withClient(session, (client) => client.revokeApiKey(args.id));
    this.output.info(result.revoked ? `revoked ${args.id}` : `${args.id} was already revoked`);
    return { id: args.id, ...result };
  }
}
