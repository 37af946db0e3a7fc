import { Args } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class RulesEnable extends NeptuneCommand {
  static override summary = "Close a rule's circuit breaker after failures, so that it decides runs again.";
  static override examples = ['<%= config.bin %> rules enable restart-nginx'];
  static override enableJsonFlag = true;
  static override args = { name: Args.string({ description: 'The rule name.', required: true }) };
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(RulesEnable);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { call } = await import('../../client/remediation');
    const result = await withClient(session, (c) => call(c, 'enableRule', { params: { name: args.name } }));
    this.output.info(`${args.name}: breaker closed`);
    return result;
  }
}
