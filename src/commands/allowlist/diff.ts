import { Args, Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';
import { allowlistIo, selectionFlags, selectionInput } from './shared';

export default class AllowlistDiff extends NeptuneCommand {
  static override summary =
    'What an update adds and removes: published rows and the aggregated list, same filters.';
  static override description =
    `Compares two snapshots of ip-ranges.json (files, https:// URLs, "embedded" or "cache") under one selection: the published rows that appear or disappear, and the lines of the aggregated output that a firewall would gain or lose, with the address counts behind them. With --exit-code the exit status is 1 when anything changed (as with git diff).`;
  static override examples = [
    '<%= config.bin %> allowlist diff embedded cache --service EC2 --region us-east-1',
    '<%= config.bin %> allowlist diff old.json new.json --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    old: Args.string({ description: 'the older snapshot', required: true }),
    new: Args.string({ description: 'the newer snapshot', required: true }),
  };
  static override flags = {
    ...selectionFlags,
    'exit-code': Flags.boolean({ description: 'Exit 1 when the selection changed, 0 when it did not.' }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(AllowlistDiff);
    const domain = await import('../../allowlist/index');
    const io = await allowlistIo(this.output, this.config.userAgent);
    try {
      const older = await domain.openSnapshot(io, args.old);
      const newer = await domain.openSnapshot(io, args.new);
      const { family, ...input } = selectionInput(flags);
      const result = domain.diffSnapshots(older, newer, {
        ...input,
        families: family ? [family] : undefined,
      });
      if (flags['exit-code'] && result.changed) process.exitCode = 1;
      if (this.jsonEnabled()) return result;
      const out: string[] = [
        `--- ${args.old}: createDate ${result.old.createDate}, syncToken ${result.old.syncToken}`,
        `+++ ${args.new}: createDate ${result.new.createDate}, syncToken ${result.new.syncToken}`,
      ];
      const a = result.aggregated;
      out.push(
        `aggregated: ${a.added.length} prefixes added, ${a.removed.length} removed (${a.addressesAdded} addresses gained, ${a.addressesRemoved} lost)`,
      );
      for (const p of a.removed) out.push(`- ${p}`);
      for (const p of a.added) out.push(`+ ${p}`);
      const row = (r: {
        prefix: string;
        service: string;
        region: string;
        networkBorderGroup: string | null;
      }) =>
        `${r.prefix} ${r.service} ${r.region}${r.networkBorderGroup && r.networkBorderGroup !== r.region ? ` (${r.networkBorderGroup})` : ''}`;
      out.push(`published rows: ${result.rows.added.length} added, ${result.rows.removed.length} removed`);
      for (const r of result.rows.removed) out.push(`- ${row(r)}`);
      for (const r of result.rows.added) out.push(`+ ${row(r)}`);
      if (!result.changed) out.push('no change for this selection');
      this.output.write(`${out.join('\n')}\n`);
      return undefined;
    } finally {
      await io.close?.();
    }
  }
}
