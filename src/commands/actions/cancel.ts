import { Args } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ActionsCancel extends NeptuneCommand {
  static override summary = 'Cancel an action: a queued one at once, a running one through its agent.';
  static override description =
    `A running action's process group gets SIGTERM, then SIGKILL after the grace period; the
action ends as cancelled once the agent reports it. Cancelling a finished action changes nothing.`;
  static override examples = ['<%= config.bin %> actions cancel 3f6c…'];
  static override enableJsonFlag = true;
  static override args = { id: Args.string({ description: 'the action id', required: true }) };
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(ActionsCancel);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const result = await withClient(session, (c) =>
      c.call<import('../../api/dispatch').CancelResult>('cancelAction', { params: { id: args.id } }),
    );
    if (!this.jsonEnabled())
      this.output.line(
        `${result.action.id}  ${result.action.status}${result.action.cancelRequested && result.action.status !== 'cancelled' ? ' (cancel sent to the agent)' : ''}`,
      );
    return result;
  }
}
