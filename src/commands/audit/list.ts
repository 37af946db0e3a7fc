import { Flags } from '@oclif/core';
import { commandSession, sessionFlags, table } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';
import { usageError } from '../../core/errors';

export default class AuditList extends NeptuneCommand {
  static override summary = "List the account's audit rows (oldest first).";
  static override examples = [
    '<%= config.bin %> audit list --since 2026-12-01T00:00:00Z',
    '<%= config.bin %> audit list --since 1h --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...sessionFlags,
    since: Flags.string({
      description: 'Only rows at or after this time (RFC 3339), or this long ago (30m, 2h, 1d).',
    }),
    limit: Flags.integer({ description: 'At most this many rows.', default: 1000, min: 1, max: 10000 }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(AuditList);
    let since: string | undefined;
    if (flags.since) {
      const ago = /^(\d{1,6})([smhd])$/.exec(flags.since);
      if (ago)
        since = new Date(
          Date.now() - Number(ago[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[ago[2] as 's'] * 1000,
        ).toISOString();
      else if (!Number.isNaN(Date.parse(flags.since))) since = new Date(flags.since).toISOString();
      else
        throw usageError('AUDIT_BAD_SINCE', `cannot read --since ${JSON.stringify(flags.since)}`, {
          hint: 'use an RFC 3339 time (2026-12-01T10:00:00Z) or a duration (30m, 2h, 1d)',
        });
    }
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { call } = await import('../../client/remediation');
    type L = { rows: { seq: number; at: string; actor: string; action: string; target: string }[] };
    const result = await withClient(session, (c) =>
      call<L>(c, 'listAudit', { query: { since, limit: String(flags.limit) } }),
    );
    if (!this.jsonEnabled())
      this.output.line(
        table(
          result.rows.map((r) => [String(r.seq), r.at, r.actor, r.action, r.target]),
          ['SEQ', 'AT', 'ACTOR', 'ACTION', 'TARGET'],
        ),
      );
    return result;
  }
}
