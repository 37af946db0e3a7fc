import { Args, Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';
import { allowlistIo } from './shared';

export default class AllowlistCheck extends NeptuneCommand {
  static override summary =
    'Which published AWS prefixes contain each address (service, region, border group).';
  static override description =
    `Every row of ip-ranges.json whose prefix contains the address, most specific first. An address in no AWS range is an answer too: the exit code is 0 either way; an invalid address is exit 65.`;
  static override examples = [
    '<%= config.bin %> allowlist check 52.95.110.1',
    '<%= config.bin %> allowlist check 3.5.140.7 2600:1f18::1 --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    ip: Args.string({
      description: 'IPv4 or IPv6 addresses (or prefixes) to look up',
      required: true,
      multiple: true,
    }),
  };
  static override flags = {
    ranges: Flags.string({
      description: 'Read this ip-ranges.json instead: a file, an https:// URL, "embedded" or "cache".',
    }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(AllowlistCheck);
    const domain = await import('../../allowlist/index');
    const io = await allowlistIo(this.output, this.config.userAgent);
    try {
      const snapshot = await domain.openSnapshot(io, flags.ranges);
      const answers = domain.checkAddresses(snapshot, args.ip);
      if (this.jsonEnabled()) return { snapshot: snapshot.stamp, results: answers };
      const lines: string[] = [];
      for (const answer of answers) {
        if (!answer.found) {
          lines.push(`${answer.address}: in no AWS range (snapshot ${snapshot.stamp.createDate})`);
          continue;
        }
        lines.push(`${answer.address}:`);
        for (const m of answer.matches) {
          const nbg =
            m.networkBorderGroup && m.networkBorderGroup !== m.region ? ` (${m.networkBorderGroup})` : '';
          lines.push(`  ${m.prefix.padEnd(20)} ${m.service.padEnd(24)} ${m.region}${nbg}`);
        }
      }
      this.output.write(`${lines.join('\n')}\n`);
      return undefined;
    } finally {
      await io.close?.();
    }
  }
}
