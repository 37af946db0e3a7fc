import { commandSession, sessionFlags, table } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class ActionsList extends NeptuneCommand {
  static override summary = 'List the latest actions (newest first).';
  static override examples = ['<%= config.bin %> actions list', '<%= config.bin %> actions list --json'];
  static override enableJsonFlag = true;
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { flags } = await this.parse(ActionsList);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const result = await withClient(session, (c) =>
      c.call<import('../../api/dispatch').ActionList>('listActions'),
    );
    if (!this.jsonEnabled()) {
      this.output.line(
        table(
          result.actions.map((a) => [
            a.id,
            a.host,
            a.runbook,
            a.status,
            a.exitCode === null ? '' : String(a.exitCode),
            a.createdAt.slice(0, 19).replace('T', ' '),
          ]),
          ['ID', 'HOST', 'RUNBOOK', 'STATUS', 'EXIT', 'CREATED'],
        ),
      );
    }
    return result;
  }
}
