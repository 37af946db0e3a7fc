import { Args } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ActionsShow extends NeptuneCommand {
  static override summary = 'Show one action: host, runbook, status, exit code, times.';
  static override examples = [
    '<%= config.bin %> actions show 3f6c…',
    '<%= config.bin %> actions show 3f6c… --json',
  ];
  static override enableJsonFlag = true;
  static override args = { id: Args.string({ description: 'the action id', required: true }) };
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(ActionsShow);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const a = await withClient(session, (c) =>
      c.call<import('../../api/dispatch').Action>('showAction', { params: { id: args.id } }),
    );
    if (!this.jsonEnabled()) {
      const rows: [string, string][] = [
        ['id', a.id],
        ['host', `${a.host} (${a.hostId})`],
        ['runbook', a.runbook],
        [
          'status',
          `${a.status}${a.cancelRequested && a.status !== 'cancelled' ? ' (cancel requested)' : ''}`,
        ],
        ['exit code', a.exitCode === null ? '-' : String(a.exitCode)],
        ['signal', a.signal ?? '-'],
        ['reason', a.reason ?? '-'],
        ['output', `${a.outputBytes} bytes${a.truncated ? ', truncated' : ''}`],
        ['created', `${a.createdAt} by ${a.createdBy}`],
        ['started', a.startedAt ?? '-'],
        ['finished', a.finishedAt ?? '-'],
      ];
      this.output.write(rows.map(([k, v]) => `${k.padEnd(9)}  ${v}\n`).join(''));
    }
    return a;
  }
}
