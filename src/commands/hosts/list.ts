import { commandSession, sessionFlags, table } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class HostsList extends NeptuneCommand {
  static override summary =
    'List enrolled hosts: status (lost after 90 s without a poll), last seen, version, tags.';
  static override examples = ['<%= config.bin %> hosts list', '<%= config.bin %> hosts list --json'];
  static override enableJsonFlag = true;
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { flags } = await this.parse(HostsList);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const result = await withClient(session, (c) =>
      c.call<import('../../api/dispatch').HostList>('listHosts'),
    );
    if (!this.jsonEnabled()) {
      this.output.line(
        table(
          result.hosts.map((h) => [
            h.hostname,
            h.status,
            h.lastSeenAt ? h.lastSeenAt.slice(0, 19).replace('T', ' ') : 'never',
            h.version,
            h.tags.join(',') || '-',
            h.allowUnsigned ? 'unsigned allowed' : 'signed only',
            String(h.running.length),
            h.id,
          ]),
          ['HOST', 'STATUS', 'LAST SEEN', 'VERSION', 'TAGS', 'RUNBOOKS', 'RUNNING', 'ID'],
        ),
      );
    }
    return result;
  }
}
