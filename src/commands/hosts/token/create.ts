import { Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../../client/flags';
import { NeptuneCommand } from '../../../core/command';

export default class HostsTokenCreate extends NeptuneCommand {
  static override summary =
    'Create an enrollment token for agents (printed once; the server keeps only a hash).';
  static override examples = [
    '<%= config.bin %> hosts token create --json',
    '<%= config.bin %> hosts token create --uses 20 --ttl 2h --tags web,eu',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...sessionFlags,
    uses: Flags.integer({
      description: 'how many hosts may enroll with it',
      default: 1,
      min: 1,
      max: 10_000,
    }),
    ttl: Flags.string({ description: 'lifetime, e.g. 30m, 24h, 7d (at most 7d)', default: '24h' }),
    tags: Flags.string({ description: 'tags every host enrolled with it gets, comma-separated' }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(HostsTokenCreate);
    const { parseLifetime } = await import('../../../client/duration');
    const ttlSeconds = parseLifetime(flags.ttl);
    const tags = flags.tags
      ? [
          ...new Set(
            flags.tags
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          ),
        ]
      : [];
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../../client/session');
    const created = await withClient(session, (client) =>
      client.call<{ token: string; expiresAt: string; usesLeft: number; tags: string[] }>(
        'createEnrollmentToken',
        {
          body: { uses: flags.uses, ttlSeconds, tags },
        },
      ),
    );
    if (!this.jsonEnabled()) {
      this.output.line(created.token);
      this.output.info(
        `enrollment token for ${created.usesLeft} host(s), expires ${created.expiresAt}; shown only once`,
      );
    }
    return created;
  }
}
