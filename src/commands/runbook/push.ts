import { Args, Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../../client/flags';
import { NeptuneCommand } from '../../core/command';

export default class RunbookPush extends NeptuneCommand {
  static override summary =
    "Store runbooks on the server as new immutable versions, linted under the account's profile.";
  static override description =
    `Each FILE goes with its sidecar manifest (FILE.neptune.yaml) and its signature (FILE.sig) when they exist.
The server lints it first and refuses a runbook with lint errors (exit 64) unless --force. Pushing the same
content again creates no new version.`;
  static override examples = [
    '<%= config.bin %> runbook push runbooks/restart-nginx.sh',
    '<%= config.bin %> runbook push runbooks/*.sh --json',
  ];
  static override enableJsonFlag = true;
  static override strict = false;
  static override args = { file: Args.string({ description: 'Runbook files.', required: true }) };
  static override flags = {
    ...sessionFlags,
    force: Flags.boolean({ description: 'Store it even when the linter reports errors.' }),
  };

  async run(): Promise<object> {
    const { argv, flags } = await this.parse(RunbookPush);
    const { readRunbookForPush, call } = await import('../../client/remediation');
    const files = argv as string[];
    const bodies: Awaited<ReturnType<typeof readRunbookForPush>>[] = [];
    for (const file of files) bodies.push(await readRunbookForPush(file));
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../../client/session');
    type P = {
      name: string;
      version: number;
      created: boolean;
      lint: { errors: number; warnings: number; profile: string };
    };
    const pushed = await withClient(session, async (c) => {
      const out: P[] = [];
      for (const body of bodies)
        out.push(
          await call<P>(c, 'pushRunbook', { body: { ...body, ...(flags.force ? { force: true } : {}) } }),
        );
      return out;
    });
    if (!this.jsonEnabled())
      for (const p of pushed)
        this.output.line(
          `${p.name}@${p.version}${p.created ? '' : ' (unchanged)'}: ${p.lint.errors} error(s), ${p.lint.warnings} warning(s) under ${p.lint.profile}`,
        );
    return { runbooks: pushed };
  }
}
