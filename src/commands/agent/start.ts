import { Flags, type Interfaces } from '@oclif/core';
import { AGENT_START_FLAGS } from '../../agent/start';
import { NeptuneCommand } from '../../core/command';

type FlagName = keyof typeof AGENT_START_FLAGS;

export default class AgentStart extends NeptuneCommand {
  static override summary = 'Run the agent in the foreground (what systemd runs).';
  static override description =
    `Polls the server (one long-poll always parked, outbound HTTPS only: the agent opens no
listening socket), runs the actions it is sent, and uploads their output and results from its spool. Logs are
JSON lines on stderr. Settings: flags > NEPTUNE_* environment > /etc/neptune/agent.yaml > defaults. The first
SIGTERM drains (no new work; running actions get up to --drain-timeout), a second one cancels them.`;
  static override examples = [
    '<%= config.bin %> agent start',
    '<%= config.bin %> agent start --state-dir ./agent-state --concurrency 2',
  ];
  // One table for both paths: the launcher's agent bundle parses the same flags without oclif (decision 0505).
  static override flags = Object.fromEntries(
    Object.entries(AGENT_START_FLAGS).map(([name, spec]) => [
      name,
      Flags.string({ description: spec.description, ...('env' in spec ? { env: spec.env } : {}) }),
    ]),
  ) as Record<FlagName, Interfaces.OptionFlag<string | undefined>>;

  async run(): Promise<void> {
    const { flags } = await this.parse(AgentStart);
    const { runAgentStart } = await import('../../agent/start');
    process.exitCode = await runAgentStart(flags, { version: this.config.version });
  }
}
