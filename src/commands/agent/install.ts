import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class AgentInstall extends NeptuneCommand {
  static override summary = 'Install the agent as a systemd service: user, state dir, unit, enabled.';
  static override description =
    `Creates the system user (unless it exists), the private state dir (0700, owned by
that user) and the unit neptune-agent.service (Type=notify with watchdog, Restart=always, exit 78 not restarted,
hardening options), then runs systemctl daemon-reload and enable. It does not start the agent: enroll first.
Needs root. --dry-run prints the steps and the unit and changes nothing.`;
  static override examples = [
    '<%= config.bin %> agent install --dry-run',
    'sudo <%= config.bin %> agent install --user neptune --state-dir /var/lib/neptune',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    user: Flags.string({ description: 'the user the agent runs as', default: 'neptune' }),
    'state-dir': Flags.string({ description: 'the agent state dir', default: '/var/lib/neptune' }),
    'unit-dir': Flags.string({ description: 'where the unit file goes', default: '/etc/systemd/system' }),
    exec: Flags.string({ description: 'absolute path of the neptune executable (default: this one)' }),
    'drain-timeout': Flags.string({
      description: 'how long a stop waits for running actions',
      default: '10m',
    }),
    'dry-run': Flags.boolean({ description: 'print the steps and the unit, change nothing' }),
  };

  async run(): Promise<{ dryRun: boolean; steps: string[]; unit: string; unitPath: string }> {
    const { flags } = await this.parse(AgentInstall);
    const install = await import('../../agent/systemd/install');
    const { parseDuration } = await import('../../agent/config');
    const { isSea } = await import('../../core/assets');
    const { usageError } = await import('../../core/errors');
    const drainMs = parseDuration(flags['drain-timeout']);
    if (drainMs === undefined) {
      throw usageError('AGENT_INSTALL_DRAIN', `invalid --drain-timeout ${flags['drain-timeout']}`, {
        hint: 'a duration such as 10m or 600s',
      });
    }
    const exec = flags.exec
      ? [await install.checkExec(flags.exec)]
      : await install.defaultExec({ sea: isSea(), execPath: process.execPath, script: process.argv[1] });
    const steps = await install.planInstall({
      user: flags.user,
      stateDir: flags['state-dir'],
      unitDir: flags['unit-dir'],
      exec,
      drainTimeoutSec: Math.ceil(drainMs / 1000),
    });
    const unitStep = steps.find((s) => s.kind === 'write-unit')!;
    const result = {
      dryRun: flags['dry-run'],
      steps: steps.map(install.describeStep),
      unit: unitStep.kind === 'write-unit' ? unitStep.content : '',
      unitPath: unitStep.kind === 'write-unit' ? unitStep.path : '',
    };
    if (flags['dry-run']) {
      if (!this.jsonEnabled()) {
        this.output.line('would:');
        for (const step of result.steps) this.output.line(`  ${step}`);
        this.output.line('');
        this.output.line(`# ${result.unitPath}`);
        this.output.write(result.unit);
      }
      return result;
    }
    await install.executePlan(steps, { onStep: (s) => this.output.info(install.describeStep(s)) });
    if (!this.jsonEnabled()) {
      this.output.line(`installed ${result.unitPath} (enabled, not started)`);
      this.output.line('next:');
      this.output.line(
        `  sudo -u ${flags.user} neptune agent enroll --state-dir ${flags['state-dir']} --api-url URL --token TOKEN`,
      );
      this.output.line('  sudo systemctl start neptune-agent');
    }
    return result;
  }
}
