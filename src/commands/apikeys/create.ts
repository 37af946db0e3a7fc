import { Flags } from '@oclif/core';
import { SCOPES } from '../../api/scopes';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ApikeysCreate extends NeptuneCommand {
  static override summary = 'Create an API key; its secret is printed once, on stdout.';
  static override description =
    `The key's scopes must be within those of the key that creates it. Scopes: admin (everything), operator
(run and manage remediation), read, agent:enroll (enroll agents only), ingest (send alerts only).`;
  static override examples = [
    '<%= config.bin %> apikeys create --name ci --scope read',
    '<%= config.bin %> apikeys create --name installer --scope agent:enroll --expires-in 1d > key.txt',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...sessionFlags,
    name: Flags.string({ description: 'A name to recognise the key by.', required: true }),
    scope: Flags.string({
      description: 'A scope the key holds (repeat for several).',
      required: true,
      multiple: true,
      options: [...SCOPES],
    }),
    'expires-in': Flags.string({
      description: 'Lifetime, e.g. 30d, 12h, 2w (default 90d, at most 2 years).',
    }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(ApikeysCreate);
    const { parseLifetime } = await import('../../client/duration');
    const expiresInSeconds = flags['expires-in'] ? parseLifetime(flags['expires-in']) : undefined;
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const scopes = [...new Set(flags.scope)] as (typeof SCOPES)[number][];
    const created = await withClient(session, (client) =>
      client.createApiKey({ name: flags.name, scopes, ...(expiresInSeconds ? { expiresInSeconds } : {}) }),
    );
    if (!this.jsonEnabled()) {
      this.output.line(created.secret);
      this.output.info(
        `created key ${created.apiKey.id} (${created.apiKey.name}, scopes ${created.apiKey.scopes.join(' ')}, ` +
          `expires ${created.apiKey.expiresAt}); the secret above is shown only once`,
      );
    }
    return created;
  }
}
