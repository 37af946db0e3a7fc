import { Args, Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class RunbookSign extends NeptuneCommand {
  static override summary = 'Sign a runbook version with your key (a detached FILE.sig).';
  static override description =
    `Signs the canonical (RFC 8785) statement of the runbook: name, version, SHA-256 of the
script, and from its manifest the params schema, hosts, run_as, sudo, timeout and caps, with a validity window.
Agents that trust the key run this exact script only within those limits. The format is in docs/signing.md.`;
  static override examples = [
    '<%= config.bin %> runbook sign restart-nginx.sh --key signing.key --version 1.2.0',
    '<%= config.bin %> runbook sign disk.sh --key signing.key --expires-in 30d --out dist/disk.sh.sig',
  ];
  static override enableJsonFlag = true;
  static override args = { file: Args.string({ description: 'The runbook to sign.', required: true }) };
  static override flags = {
    key: Flags.string({ description: 'The private key (from neptune runbook keygen).', required: true }),
    version: Flags.string({
      description: 'The version to sign (default: 12 hex digits of the script SHA-256).',
    }),
    'not-before': Flags.string({ description: 'Valid from this ISO 8601 time (default: now).' }),
    'expires-in': Flags.string({
      description: 'Valid for this long after --not-before, e.g. 90d, 12h, 2w.',
      default: '90d',
    }),
    out: Flags.string({ description: 'Where to write the signature (default: FILE.sig).' }),
  };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(RunbookSign);
    const { signRunbook } = await import('../../runbook/signing/operations');
    const result = await signRunbook({
      file: args.file,
      key: flags.key,
      version: flags.version,
      notBefore: flags['not-before'],
      expiresIn: flags['expires-in'],
      out: flags.out,
      now: new Date(),
    });
    for (const warning of result.warnings) this.output.warn(warning);
    const s = result.statement;
    if (!this.jsonEnabled()) {
      this.output.line(`signed ${s.name} ${s.version} -> ${result.signature}`);
      this.output.line(`  key ${result.kid}, valid ${s.not_before} to ${s.expires_at}`);
    }
    return result;
  }
}
