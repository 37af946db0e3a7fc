import { commandSession, sessionFlags, table } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class RulesList extends NeptuneCommand {
  static override summary = 'List the rules, their runbook versions and breaker state.';
  static override examples = ['<%= config.bin %> rules list', '<%= config.bin %> rules list --json'];
  static override enableJsonFlag = true;
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { flags } = await this.parse(RulesList);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { call } = await import('../../client/remediation');
    type L = {
      rules: {
        name: string;
        spec: { enabled?: boolean; runbook: { name: string; version: number } };
        breakerOpenAt: string | null;
        consecutiveFailures: number;
      }[];
    };
    const result = await withClient(session, (c) => call<L>(c, 'listRules'));
    if (!this.jsonEnabled())
      this.output.line(
        table(
          result.rules.map((r) => [
            r.name,
            `${r.spec.runbook.name}@${r.spec.runbook.version}`,
            r.spec.enabled === false
              ? 'disabled'
              : r.breakerOpenAt
                ? `breaker open since ${r.breakerOpenAt}`
                : 'enabled',
            String(r.consecutiveFailures),
          ]),
          ['NAME', 'RUNBOOK', 'STATE', 'FAILURES'],
        ),
      );
    return result;
  }
}
