import { Args, Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class HostsRevoke extends NeptuneCommand {
  static override summary =
    'Revoke a host: its agent key and tokens stop working and its unfinished actions are cancelled.';
  static override description =
    'By id, one enrollment; by name, every enrollment of that host name. A revoked host is never a target again; ' +
    'to bring the machine back, enroll it anew with a new token (it gets a new id and key). Audited as hosts.revoke.';
  static override examples = [
    '<%= config.bin %> hosts revoke web-1 --yes',
    '<%= config.bin %> hosts revoke 6f1c0a52-… --yes --json',
  ];
  static override enableJsonFlag = true;
  static override args = { host: Args.string({ description: 'host name or id', required: true }) };
  static override flags = {
    ...sessionFlags,
    yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(HostsRevoke);
    const { confirm } = await import('../../client/confirm');
    await confirm(`revoke the host ${args.host}`, args.host, flags.yes, 'neptune hosts revoke');
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const result = await withClient(session, (c) =>
      c.call<import('../../api/dispatch').HostList>('revokeHost', { params: { id: args.host } }),
    );
    for (const h of result.hosts) this.output.info(`revoked ${h.hostname} (${h.id})`);
    return result;
  }
}
