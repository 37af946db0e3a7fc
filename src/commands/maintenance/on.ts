import { Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class MaintenanceOn extends NeptuneCommand {
  static override summary = 'Start maintenance: alerts are stored and marked, and no rule decides a run.';
  static override description =
    `Without --hosts or --tags the whole account is in maintenance. Without --for it lasts until
"neptune maintenance off".`;
  static override examples = [
    '<%= config.bin %> maintenance on --for 30m',
    '<%= config.bin %> maintenance on --hosts web-1,web-2 --for 2h',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...sessionFlags,
    for: Flags.string({ description: 'How long, e.g. 30m, 2h, 1d (at most 30 days).' }),
    hosts: Flags.string({ description: 'Only these hosts (comma-separated).', exclusive: ['tags'] }),
    tags: Flags.string({
      description: 'Only hosts with these tags (comma-separated).',
      exclusive: ['hosts'],
    }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(MaintenanceOn);
    const { parseWindow, call } = await import('../../client/remediation');
    const list = (v?: string) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
    const body = {
      ...(flags.for ? { forSeconds: parseWindow(flags.for) } : {}),
      ...(list(flags.hosts) ? { hosts: list(flags.hosts) } : {}),
      ...(list(flags.tags) ? { tags: list(flags.tags) } : {}),
    };
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const w = await withClient(session, (c) =>
      call<{ endsAt: string | null; hosts: string[]; tags: string[] }>(c, 'maintenanceOn', { body }),
    );
    const scope = w.hosts.length
      ? `hosts ${w.hosts.join(',')}`
      : w.tags.length
        ? `tags ${w.tags.join(',')}`
        : 'the whole account';
    this.output.info(
      `maintenance on for ${scope} ${w.endsAt ? `until ${w.endsAt}` : 'until neptune maintenance off'}`,
    );
    return w;
  }
}
