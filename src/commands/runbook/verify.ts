import { Args, Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';
import { failed, usageError } from '../../core/errors';

export default class RunbookVerify extends NeptuneCommand {
  static override summary = 'Check a runbook against its signature and your public keys.';
  static override description =
    `Exit 0 when the signature is valid: made by a trusted key, for this exact script and
manifest, and valid now. Exit 1 otherwise, with a reason code: unsigned, bad_signature, unknown_key, expired,
not_yet_valid, script_changed or manifest_changed.

With --host, --tag, --param or --run-as it also decides one run as an agent with the default policy would:
host_out_of_scope, param_out_of_schema or run_as_not_allowed.`;
  static override examples = [
    '<%= config.bin %> runbook verify restart-nginx.sh --pubkey signing.key.jwks',
    '<%= config.bin %> runbook verify disk.sh --pubkey /etc/neptune/trust.jwks --sig dist/disk.sh.sig --json',
    "<%= config.bin %> runbook verify restart-nginx.sh --pubkey trust.jwks --host web-1 --param 'service=nginx'",
  ];
  static override enableJsonFlag = true;
  static override args = { file: Args.string({ description: 'The runbook to check.', required: true }) };
  static override flags = {
    pubkey: Flags.string({ description: 'The trusted public keys (a JWKS file).', required: true }),
    sig: Flags.string({ description: 'The signature file (default: FILE.sig).' }),
    rotation: Flags.string({
      description: 'A key rotation file (KEY.rotation.sig) to apply; repeatable.',
      multiple: true,
    }),
    host: Flags.string({ description: 'Check a run on this host name.' }),
    tag: Flags.string({ description: 'A tag of that host, NAME=VALUE; repeatable.', multiple: true }),
    param: Flags.string({ description: 'A param of the run, NAME=VALUE; repeatable.', multiple: true }),
    'run-as': Flags.string({ description: 'The user the run would be asked to run as.' }),
  };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(RunbookVerify);
    const { verifyRunbook } = await import('../../runbook/signing/operations');
    const pairs = (flag: string, values: string[] | undefined) =>
      Object.fromEntries(
        (values ?? []).map((v) => {
          const eq = v.indexOf('=');
          if (eq < 1)
            throw usageError('VERIFY_PAIR', `--${flag} ${v}: expected NAME=VALUE`, {
              hint: `e.g. --${flag} service=nginx`,
            });
          return [v.slice(0, eq), v.slice(eq + 1)];
        }),
      );
    const tags = pairs('tag', flags.tag);
    const params = pairs('param', flags.param);
    const wantsRun = flags.host !== undefined || flags.tag || flags.param || flags['run-as'] !== undefined;
    const result = await verifyRunbook({
      file: args.file,
      pubkey: flags.pubkey,
      sig: flags.sig,
      rotations: flags.rotation,
      now: new Date(),
      run: wantsRun
        ? {
            host: flags.host !== undefined || flags.tag ? { hostname: flags.host ?? '', tags } : undefined,
            params,
            runAs: flags['run-as'],
          }
        : undefined,
    });
    if (!result.valid) {
      throw failed(
        `RUNBOOK_SIGNATURE_${result.code.toUpperCase()}`,
        `${result.file}: ${result.code}: ${result.reason}`,
        {
          hint:
            result.code === 'unsigned'
              ? 'sign it: neptune runbook sign FILE --key KEY'
              : 'sign the runbook again with a trusted key, or find out who changed it',
          details: {
            valid: false,
            code: result.code,
            reason: result.reason,
            file: result.file,
            signature: result.signature,
          },
        },
      );
    }
    const s = result.statement;
    if (!this.jsonEnabled()) {
      this.output.line(`valid: ${s.name} ${s.version}, signed by ${result.kid}`);
      this.output.line(
        `  valid ${s.not_before} to ${s.expires_at}; hosts ${s.hosts.join(', ')}; run as ${s.run_as}; timeout ${s.timeout} s`,
      );
    }
    if (result.params && !this.jsonEnabled())
      this.output.line(
        `  run allowed; params ${
          Object.entries(result.params)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(' ') || '(none)'
        }`,
      );
    return {
      valid: true,
      file: result.file,
      signature: result.signature,
      kid: result.kid,
      statement: s,
      params: result.params,
    };
  }
}
