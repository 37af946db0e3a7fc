import { Args } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';
import { usageError } from '../../core/errors';

export default class AlertsSecret extends NeptuneCommand {
  static override summary =
    "Store a source's webhook signing secret (read from stdin), sealed on the server.";
  static override examples = ['<%= config.bin %> alerts secret pagerduty < pd-secret.txt'];
  static override enableJsonFlag = true;
  static override args = {
    source: Args.string({ description: 'The source.', required: true, options: ['pagerduty'] }),
  };
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(AlertsSecret);
    const { readText, call } = await import('../../client/remediation');
    const secret = (await readText('-')).trim();
    if (secret.length < 8)
      throw usageError('ALERTS_SECRET_MISSING', 'no secret on stdin (at least 8 characters)', {
        hint: 'pipe it in: neptune alerts secret pagerduty < secret.txt',
      });
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const result = await withClient(session, (c) =>
      call(c, 'setSourceSecret', { params: { source: args.source }, body: { secret } }),
    );
    this.output.info(`stored the ${args.source} signing secret`);
    return result;
  }
}
