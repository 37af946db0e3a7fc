import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';
import { allowlistIo } from './shared';

export default class AllowlistUpdate extends NeptuneCommand {
  static override summary = 'Fetch the current ip-ranges.json into the cache, verified.';
  static override description =
    `Downloads AWS's ip-ranges.json over HTTPS (TLS verified; a conditional request with ETag / If-Modified-Since, so an unchanged file is not downloaded again), validates every entry, and stores it in the cache atomically. Later runs use the newest of the cache and the embedded snapshot. A file whose syncToken is older than the snapshot in force is refused (AWS's notifications can arrive out of order, and mirrors go stale) unless --allow-older. Nothing is stored from a file that fails validation.`;
  static override examples = [
    '<%= config.bin %> allowlist update',
    '<%= config.bin %> allowlist update --json',
    '<%= config.bin %> allowlist update --url https://mirror.example.com/ip-ranges.json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    url: Flags.string({
      description:
        'Where to fetch from (default: https://ip-ranges.amazonaws.com/ip-ranges.json, or NEPTUNE_AWS_RANGES_URL).',
    }),
    'allow-older': Flags.boolean({
      description: 'Store the file even if its syncToken is older than the one in force.',
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(AllowlistUpdate);
    if (flags.url !== undefined && !/^https:\/\//i.test(flags.url)) {
      const { usageError } = await import('../../core/errors');
      throw usageError('ALLOWLIST_RANGES_URL', `--url ${flags.url}: only https:// URLs are accepted`, {
        hint: 'use the https:// address of the file',
      });
    }
    const domain = await import('../../allowlist/index');
    const io = await allowlistIo(this.output, this.config.userAgent, flags.url);
    try {
      const result = await domain.update(io, { allowOlder: flags['allow-older'] });
      if (this.jsonEnabled()) return result;
      const s = result.snapshot;
      const stamp = `createDate ${s.createDate}, syncToken ${s.syncToken}, sha256 ${s.sha256}`;
      const text: Record<typeof result.status, string> = {
        updated: `updated: the cache now holds ${stamp}`,
        unchanged: `unchanged: ${result.url} still serves ${stamp}`,
        'not-modified': `not modified since the last update: ${stamp} (${s.source})`,
        'older-accepted': `stored an OLDER snapshot (--allow-older): ${stamp}`,
      };
      this.output.line(text[result.status]);
      if (result.inForce !== 'cache')
        this.output.info(
          `the embedded snapshot (syncToken ${result.previous.syncToken}) is newer and stays in force; use --ranges cache to read the cached one`,
        );
      return undefined;
    } finally {
      await io.close?.();
    }
  }
}
