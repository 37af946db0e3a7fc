import { Args } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class HostsShow extends NeptuneCommand {
  static override summary =
    'Show one host (by name or id): status, last seen, version, tags, running actions.';
  static override examples = [
    '<%= config.bin %> hosts show web-1',
    '<%= config.bin %> hosts show web-1 --json',
  ];
  static override enableJsonFlag = true;
  static override args = { host: Args.string({ description: 'host name or id', required: true }) };
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(HostsShow);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const h = await withClient(session, (c) =>
      c.call<import('../../api/dispatch').Host>('showHost', { params: { id: args.host } }),
    );
    if (!this.jsonEnabled()) {
      const rows: [string, string][] = [
        ['host', h.hostname],
        ['id', h.id],
        ['status', h.status],
        ['last seen', h.lastSeenAt ?? 'never'],
        ['enrolled', h.enrolledAt],
        ['version', h.version],
        ['system', `${h.os}/${h.arch}`],
        ['addresses', h.ips.join(', ') || '-'],
        ['tags', h.tags.join(', ') || '-'],
        [
          'runbooks',
          h.allowUnsigned ? 'signed and unsigned (enrolled with --allow-unsigned)' : 'signed only',
        ],
        ['running', h.running.length === 0 ? 'no actions' : h.running.join(', ')],
      ];
      this.output.write(rows.map(([k, v]) => `${k.padEnd(9)}  ${v}\n`).join(''));
    }
    return h;
  }
}
