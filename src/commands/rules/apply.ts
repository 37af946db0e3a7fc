import { Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class RulesApply extends NeptuneCommand {
  static override summary = 'Create or update rules by name from a rules file (YAML or JSON).';
  static override description =
    `The file holds "rules:" (docs/remediation.md), or the original service's exported rule templates, which are
converted where they map (the parts that do not are named on stderr). Each rule is pinned to a pushed runbook
version. --dry-run shows what would change and changes nothing.`;
  static override examples = [
    '<%= config.bin %> rules apply -f rules.yaml --dry-run',
    '<%= config.bin %> rules apply -f neptune-export.json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...sessionFlags,
    file: Flags.string({ char: 'f', description: 'The rules file ("-" for stdin).', required: true }),
    'dry-run': Flags.boolean({ description: 'Show the changes without making them.' }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(RulesApply);
    const { readRulesFile, call } = await import('../../client/remediation');
    const { rules, warnings } = await readRulesFile(flags.file);
    for (const w of warnings) this.output.warn(w);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    type C = {
      dryRun: boolean;
      changes: { name: string; change: string; runbook: string; diff?: string[] }[];
    };
    const result = await withClient(session, (c) =>
      call<C>(c, 'applyRules', { body: { rules, ...(flags['dry-run'] ? { dryRun: true } : {}) } }),
    );
    if (!this.jsonEnabled()) {
      for (const ch of result.changes) {
        this.output.line(`${result.dryRun ? 'would ' : ''}${ch.change} ${ch.name} (${ch.runbook})`);
        for (const d of ch.diff ?? []) this.output.line(`  ${d}`);
      }
    }
    return { ...result, warnings };
  }
}
