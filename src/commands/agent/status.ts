import { Flags } from '@oclif/core';
import type { AgentStatus } from '../../agent/status';
import { NeptuneCommand } from '../../core/command';

export default class AgentStatusCommand extends NeptuneCommand {
  static override summary =
    'Show the local agent state: enrolled, daemon, last poll, running actions, spool.';
  static override description =
    `Reads the state dir only: no network, no socket. Works whether or not the daemon
runs (the pid file is checked against the process table).`;
  static override examples = [
    '<%= config.bin %> agent status',
    'sudo <%= config.bin %> agent status --state-dir /var/lib/neptune --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    'state-dir': Flags.string({
      description: 'the agent state dir',
      env: 'NEPTUNE_STATE_DIR',
      default: '/var/lib/neptune',
    }),
  };

  async run(): Promise<AgentStatus> {
    const { flags } = await this.parse(AgentStatusCommand);
    const { readAgentStatus, formatAgentStatus } = await import('../../agent/status');
    const status = await readAgentStatus(flags['state-dir']);
    if (!this.jsonEnabled()) this.output.write(formatAgentStatus(status));
    return status;
  }
}
