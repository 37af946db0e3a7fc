import { Flags } from '@oclif/core';
import { commandSession, sessionFlags, table } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class AlertsList extends NeptuneCommand {
  static override summary = 'List the latest alerts and what the rules decided for each.';
  static override examples = [
    '<%= config.bin %> alerts list --limit 20',
    '<%= config.bin %> alerts list --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...sessionFlags,
    limit: Flags.integer({ description: 'How many (newest first).', default: 50, min: 1, max: 1000 }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(AlertsList);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { call } = await import('../../client/remediation');
    type A = {
      alerts: {
        receivedAt: string;
        source: string;
        name: string;
        host: string | null;
        count: number;
        maintenance: boolean;
        decisions: { status: string; reason: string | null }[];
      }[];
    };
    const result = await withClient(session, (c) =>
      call<A>(c, 'listAlerts', { query: { limit: String(flags.limit) } }),
    );
    if (!this.jsonEnabled())
      this.output.line(
        table(
          result.alerts.map((a) => [
            a.receivedAt,
            a.source,
            a.name,
            a.host ?? '-',
            String(a.count),
            a.maintenance ? 'maintenance' : a.decisions.map((d) => d.reason ?? d.status).join(',') || '-',
          ]),
          ['RECEIVED', 'SOURCE', 'NAME', 'HOST', 'COUNT', 'DECISIONS'],
        ),
      );
    return result;
  }
}
