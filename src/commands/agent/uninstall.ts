import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class AgentUninstall extends NeptuneCommand {
  static override summary = 'Remove the agent service: stop, disable, delete the unit.';
  static override description =
    `Reverses agent install: systemctl disable --now, removes neptune-agent.service and
reloads systemd. The state dir (identity key, ledger, unsent results) is kept unless --purge is given; --purge also
removes the user when install created it. Needs root. --dry-run prints the steps and changes nothing.`;
  static override examples = [
    'sudo <%= config.bin %> agent uninstall',
    'sudo <%= config.bin %> agent uninstall --purge',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    'state-dir': Flags.string({ description: 'the agent state dir', default: '/var/lib/neptune' }),
    'unit-dir': Flags.string({ description: 'where the unit file is (default: as recorded by install)' }),
    purge: Flags.boolean({ description: 'also delete the state dir, and the user if install created it' }),
    'dry-run': Flags.boolean({ description: 'print the steps, change nothing' }),
  };

  async run(): Promise<{ dryRun: boolean; steps: string[] }> {
    const { flags } = await this.parse(AgentUninstall);
    const install = await import('../../agent/systemd/install');
    const steps = await install.planUninstall({
      stateDir: flags['state-dir'],
      unitDir: flags['unit-dir'],
      purge: flags.purge,
    });
    const result = { dryRun: flags['dry-run'], steps: steps.map(install.describeStep) };
    if (flags['dry-run']) {
      if (!this.jsonEnabled()) {
        this.output.line('would:');
        for (const step of result.steps) this.output.line(`  ${step}`);
      }
      return result;
    }
    await install.executePlan(steps, { onStep: (s) => this.output.info(install.describeStep(s)) });
    if (!this.jsonEnabled()) {
      this.output.line(
        flags.purge
          ? 'uninstalled (state dir removed)'
          : `uninstalled (state dir ${flags['state-dir']} kept)`,
      );
    }
    return result;
  }
}
