import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class MaintenanceOff extends NeptuneCommand {
  static override summary = 'End every maintenance window in force.';
  static override examples = ['<%= config.bin %> maintenance off'];
  static override enableJsonFlag = true;
  static override flags = { ...sessionFlags };

  async run(): Promise<object> {
    const { flags } = await this.parse(MaintenanceOff);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { call } = await import('../../client/remediation');
    const result = await withClient(session, (c) => call<{ ended: number }>(c, 'maintenanceOff'));
    this.output.info(
      result.ended > 0 ? `ended ${result.ended} maintenance window(s)` : 'no maintenance window was in force',
    );
    return result;
  }
}
