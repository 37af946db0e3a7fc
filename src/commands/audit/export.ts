import { Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class AuditExport extends NeptuneCommand {
  static override summary =
    "Export the account's audit chain and signed checkpoints (JSON lines) for audit verify.";
  static override description =
    `The server signs a checkpoint of the current head first, so the whole export is covered by a signature.
--pubkey-out writes the server's audit public keys (JWKS); for a check that does not trust this server's
answer, take audit.jwks from its data directory instead.`;
  static override examples = [
    '<%= config.bin %> audit export --out audit.jsonl --pubkey-out audit.jwks && neptune audit verify audit.jsonl --pubkey audit.jwks',
  ];
  static override flags = {
    ...sessionFlags,
    out: Flags.string({ char: 'o', description: 'Write to this file (default: stdout).' }),
    'pubkey-out': Flags.string({ description: 'Also write the audit public keys (JWKS) here.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(AuditExport);
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    const { call } = await import('../../client/remediation');
    const { text, jwks } = await withClient(session, async (c) => ({
      text: await call<string>(c, 'exportAudit', { text: true }),
      jwks: flags['pubkey-out'] ? await call(c, 'auditKeys') : undefined,
    }));
    const { writeFileAtomic } = await import('../../core/fs');
    if (flags['pubkey-out']) await writeFileAtomic(flags['pubkey-out'], `${JSON.stringify(jwks, null, 2)}\n`);
    if (flags.out) {
      await writeFileAtomic(flags.out, text);
      this.output.info(`wrote ${text.split('\n').filter(Boolean).length} line(s) to ${flags.out}`);
    } else process.stdout.write(text);
  }
}
