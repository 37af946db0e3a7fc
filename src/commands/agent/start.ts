import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

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
  static override flags = {
    'state-dir': Flags.string({ description: 'the agent state dir (default /var/lib/neptune)' }),
    'api-url': Flags.string({ description: 'override the server URL stored at enrollment' }),
    'ca-file': Flags.string({ description: 'PEM file of a CA to trust' }),
    concurrency: Flags.string({ description: 'actions at once (default 4)' }),
    'output-cap': Flags.string({ description: 'output kept per action (default 16MiB)' }),
    'kill-grace': Flags.string({ description: 'SIGTERM → SIGKILL grace (default 10s)' }),
    'drain-timeout': Flags.string({
      description: 'how long the first SIGTERM waits for running actions (default 10m)',
    }),
    'trust-file': Flags.string({ description: 'runbook signing keys (default /etc/neptune/trust.jwks)' }),
    config: Flags.string({
      description: 'the YAML config file (default /etc/neptune/agent.yaml)',
      env: 'NEPTUNE_AGENT_CONFIG',
    }),
    'legacy-config': Flags.string({
      description: "the original agent's neptune-agent.json, read for migration",
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(AgentStart);
    const { loadAgentConfig } = await import('../../agent/config');
    const { jsonLogger, startDaemon } = await import('../../agent/daemon');
    const loaded = await loadAgentConfig({
      flags: {
        stateDir: flags['state-dir'],
        apiUrl: flags['api-url'],
        caFile: flags['ca-file'],
        concurrency: flags.concurrency,
        outputCapBytes: flags['output-cap'],
        killGraceMs: flags['kill-grace'],
        drainTimeoutMs: flags['drain-timeout'],
        trustFile: flags['trust-file'],
      },
      ...(flags.config ? { configFile: flags.config } : {}),
      ...(flags['legacy-config'] ? { legacyFile: flags['legacy-config'] } : {}),
    });
    const log = jsonLogger(process.stderr, loaded.settings.debug);
    for (const note of loaded.notes) log.warn(note);
    const daemon = await startDaemon({
      settings: loaded.settings,
      version: this.config.version,
      log,
      handleSignals: true,
    });
    process.exitCode = await daemon.done;
  }
}
