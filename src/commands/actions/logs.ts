import { Args, Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ActionsLogs extends NeptuneCommand {
  static override summary = 'Print the output of an action; --follow streams it until the action ends.';
  static override examples = [
    '<%= config.bin %> actions logs 3f6c…',
    '<%= config.bin %> actions logs 3f6c… --follow',
  ];
  static override args = { id: Args.string({ description: 'the action id', required: true }) };
  static override flags = {
    ...sessionFlags,
    follow: Flags.boolean({ char: 'f', description: 'keep streaming until the action has finished' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ActionsLogs);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { follow } = await import('../../client/actions');
    type D = typeof import('../../api/dispatch');
    await withClient(session, async (c) => {
      const action = await c.call<import('../../api/dispatch').Action>('showAction', {
        params: { id: args.id },
      });
      if (flags.follow) {
        await follow(c, [action], { onOutput: (_a, text) => this.output.write(text) });
        return;
      }
      let after = -1;
      for (;;) {
        const out = await c.call<import('typebox').Static<D['ActionOutput']>>('actionOutput', {
          params: { id: args.id, after: String(after) },
        });
        for (const chunk of out.chunks) {
          this.output.write(Buffer.from(chunk.data, 'base64').toString('utf8'));
          after = chunk.seq;
        }
        if (out.chunks.length < 200) break;
      }
    });
  }
}
