import { Args, Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class RulesDelete extends NeptuneCommand {
  static override summary = 'Delete a rule.';
  static override examples = ['<%= config.bin %> rules delete restart-nginx --yes'];
  static override enableJsonFlag = true;
  static override args = { name: Args.string({ description: 'The rule name.', required: true }) };
  static override flags = {
    ...sessionFlags,
    yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(RulesDelete);
    const { confirm } = await import('../../client/confirm');
    await confirm(`delete the rule ${args.name}`, args.name, flags.yes, 'neptune rules delete');
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { call } = await import('../../client/remediation');
    const result = await withClient(session, (c) => call(c, 'deleteRule', { params: { name: args.name } }));
    this.output.info(`deleted ${args.name}`);
    return { name: args.name, ...result };
  }
}
