import { Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class RulesExport extends NeptuneCommand {
  static override summary = 'Write the rules as a rules file (YAML) that rules apply takes back.';
  static override examples = [
    '<%= config.bin %> rules export > rules.yaml',
    '<%= config.bin %> rules export --out rules.yaml',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...sessionFlags,
    out: Flags.string({ char: 'o', description: 'Write to this file.' }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(RulesExport);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { call } = await import('../../client/remediation');
    const result = await withClient(session, (c) => call<{ rules: { spec: unknown }[] }>(c, 'listRules'));
    const doc = { rules: result.rules.map((r) => r.spec) };
    if (!this.jsonEnabled()) {
      const { stringify } = await import('yaml');
      const text = stringify(doc);
      if (flags.out) {
        const { writeFileAtomic } = await import('../../core/fs');
        await writeFileAtomic(flags.out, text);
        this.output.info(`wrote ${doc.rules.length} rule(s) to ${flags.out}`);
      } else this.output.line(text.trimEnd());
    }
    return doc;
  }
}
