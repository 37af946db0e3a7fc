import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class RunbookKeygen extends NeptuneCommand {
  static override summary = 'Make an Ed25519 key pair for signing runbooks.';
  static override description =
    `Writes the private key to KEY (PKCS#8 PEM, mode 0600) and the public key to KEY.jwks
(a JWKS whose kid is the key's RFC 7638 thumbprint). Install KEY.jwks on hosts as /etc/neptune/trust.jwks; keep KEY
off them. With --rotate-from OLD, also writes KEY.rotation.sig: a statement signed by OLD that makes agents which
trust OLD trust the new key too (--revoke-old retires OLD in the same step).`;
  static override examples = [
    '<%= config.bin %> runbook keygen --out ~/.config/neptune/signing.key',
    '<%= config.bin %> runbook keygen --out new.key --rotate-from old.key --revoke-old',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    out: Flags.string({
      description: 'Path of the private key (the public key goes to OUT.jwks).',
      required: true,
    }),
    force: Flags.boolean({ description: 'Replace existing key files (the old key is lost).' }),
    'rotate-from': Flags.string({
      description: 'An existing private key that signs the rotation to the new key.',
    }),
    'revoke-old': Flags.boolean({
      description: 'With --rotate-from: the rotation also revokes the old key.',
      dependsOn: ['rotate-from'],
    }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(RunbookKeygen);
    const { keygen } = await import('../../runbook/signing/operations');
    const result = await keygen({
      out: flags.out,
      force: flags.force,
      rotateFrom: flags['rotate-from'],
      revokeOld: flags['revoke-old'],
      now: new Date(),
    });
    if (!this.jsonEnabled()) {
      this.output.line(`private key  ${result.key}  (mode 0600: keep it off the hosts)`);
      this.output.line(`public key   ${result.jwks}  (kid ${result.kid})`);
      if (result.rotation)
        this.output.line(`rotation     ${result.rotation}  (give it to agents that trust the old key)`);
    }
    return result;
  }
}
