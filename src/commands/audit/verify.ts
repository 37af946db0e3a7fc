import { Args, Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';
import { failed } from '../../core/errors';

export default class AuditVerify extends NeptuneCommand {
  static override summary = 'Check an audit export offline: hash chain and signed checkpoints.';
  static override description =
    `Reads an export (JSON lines, "-" for stdin) and checks every account's hash chain and,
with --pubkey, the signatures of its checkpoints. Exit 0 when nothing is wrong; exit 1 when any row was edited,
deleted, inserted or reordered, or a checkpoint does not match, each named by line and row id (account#seq).`;
  static override examples = [
    '<%= config.bin %> audit verify audit.jsonl --pubkey audit.jwks',
    'neptune audit export | <%= config.bin %> audit verify - --pubkey audit.jwks --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    file: Args.string({ description: 'The export to check ("-" for stdin).', required: true }),
  };
  static override flags = {
    pubkey: Flags.string({ description: 'The audit public keys (JWKS) that sign checkpoints.' }),
    partial: Flags.boolean({
      description: 'The export starts mid-chain: accept a start anchored by a signed checkpoint.',
      dependsOn: ['pubkey'],
    }),
  };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(AuditVerify);
    const { verifyExportFile } = await import('../../audit/file');
    const report = await verifyExportFile(args.file, flags.pubkey, flags.partial);
    for (const warning of report.warnings) this.output.warn(warning);
    if (!report.ok) {
      if (!this.jsonEnabled())
        for (const p of report.problems)
          this.output.line(`line ${p.line}\t${p.id ?? '-'}\t${p.kind}\t${p.message}`);
      const first = report.problems[0]!;
      const more = report.problems.length > 1 ? ` (and ${report.problems.length - 1} more)` : '';
      throw failed('AUDIT_CHAIN_BROKEN', `${args.file}: the audit chain is broken: ${first.message}${more}`, {
        hint: 'the rows named above were changed after they were written; compare with another copy of the export',
        details: { ok: false, rows: report.rows, problems: report.problems, accounts: report.accounts },
      });
    }
    if (!this.jsonEnabled()) {
      const cps = report.accounts.reduce((n, a) => n + a.verifiedCheckpoints, 0);
      this.output.line(
        `ok: ${report.rows} rows in ${report.accounts.length} account(s)${flags.pubkey ? `, ${cps} checkpoint signature(s) verified` : ''}`,
      );
      for (const a of report.accounts)
        this.output.line(
          `  ${a.account}: ${a.rows} rows, head #${a.headSeq} ${a.headHash.slice(0, 16)}…, ${a.checkpoints} checkpoint(s)`,
        );
    }
    return report;
  }
}
