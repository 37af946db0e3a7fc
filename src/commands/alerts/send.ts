import { Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class AlertsSend extends NeptuneCommand {
  static override summary = 'Send an alert to the server, as a monitoring tool would (for testing rules).';
  static override description =
    `Posts the payload to POST /v1/alerts/SOURCE with the profile's key (or NEPTUNE_TOKEN): a key with the ingest
scope is enough. Prints what was stored and what the rules decided.`;
  static override examples = [
    '<%= config.bin %> alerts send --source generic --data @alert.json',
    'cat am.json | <%= config.bin %> alerts send --source alertmanager --data - --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...sessionFlags,
    source: Flags.string({
      description: 'The payload format.',
      required: true,
      options: ['generic', 'alertmanager', 'cloudwatch', 'nagios', 'pagerduty', 'datadog'],
    }),
    data: Flags.string({
      description: 'The payload: @FILE, - for stdin, or the JSON itself.',
      required: true,
    }),
    header: Flags.string({
      description: 'An extra request header NAME:VALUE (e.g. X-PagerDuty-Signature).',
      multiple: true,
    }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(AlertsSend);
    const { dataArg, sendAlert } = await import('../../client/remediation');
    const data = await dataArg(flags.data);
    const session = await commandSession(flags, this.output, this.config.version);
    const { authenticatedClient } = await import('../../client/session');
    const { http, credentials } = await authenticatedClient(session);
    try {
      const result = await sendAlert(http, credentials.token, flags.source, data, flags.header ?? []);
      if (!this.jsonEnabled()) {
        if (result.subscription)
          this.output.line(
            `SNS subscription recorded: confirm it by opening ${result.subscription.SubscribeURL}`,
          );
        for (const a of result.alerts ?? []) {
          this.output.line(
            `${a.id}${a.folded ? ' (folded into an earlier alert)' : ''}${a.maintenance ? ' (maintenance)' : ''}`,
          );
          for (const d of a.decisions ?? [])
            this.output.line(
              `  ${d.rule}: ${d.status}${d.reason ? ` (${d.reason})` : ''} ${d.runbook}@${d.version} on ${d.target}`,
            );
        }
      }
      return result;
    } finally {
      await http.close();
    }
  }
}
