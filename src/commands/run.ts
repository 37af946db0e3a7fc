import { Args, Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../client/flags';
import { NeptuneCommand } from '../core/command';

export default class Run extends NeptuneCommand {
  static override summary =
    'Run a runbook on hosts now; with --wait, stream the output and exit 1 if any host failed.';
  static override description =
    `Sends the runbook file (and FILE.sig, its signature, when it lies next to it) to every
host named with --host or carrying a --tag: one action per host. Parameters arrive as environment variables
NP_<NAME> and are never templated into the script. With --wait the output of each host is shown live (prefixed
by the host when there are several) and the exit code is 0 only if every host succeeded. Agents run unsigned
runbooks only when they were enrolled with --allow-unsigned.`;
  static override examples = [
    '<%= config.bin %> run restart-nginx.sh --host web-1 --wait',
    '<%= config.bin %> run check-disk.sh --tag web --param threshold=90 --timeout 2m --wait --json',
  ];
  static override enableJsonFlag = true;
  static override args = { file: Args.string({ description: 'the runbook script', required: true }) };
  static override flags = {
    ...sessionFlags,
    host: Flags.string({ description: 'a host (name or id; repeatable)', multiple: true }),
    tag: Flags.string({ description: 'every host with this tag (repeatable)', multiple: true }),
    param: Flags.string({
      description: 'a parameter NAME=VALUE (repeatable); arrives as NP_NAME',
      multiple: true,
    }),
    timeout: Flags.string({
      description: 'kill the runbook after this long (SIGTERM, then SIGKILL)',
      default: '15m',
    }),
    'kill-grace': Flags.string({ description: 'SIGTERM → SIGKILL grace on timeout or cancel (default 10s)' }),
    wait: Flags.boolean({ description: 'wait for every host, streaming its output' }),
  };

  async run(): Promise<object> {
    const { args, flags } = await this.parse(Run);
    const actions = await import('../client/actions');
    const body = await actions.runRequest({
      file: args.file,
      hosts: flags.host ?? [],
      tags: flags.tag ?? [],
      params: flags.param ?? [],
      timeoutSeconds: actions.parseTimeout(flags.timeout),
      ...(flags['kill-grace'] ? { killGraceSeconds: actions.parseTimeout(flags['kill-grace']) } : {}),
    });
    const session = await commandSession(flags, this.output, this.config.version);
    const { withClient } = await import('../client/session');
    return withClient(session, async (client) => {
      const created = await actions.createRun(client, body);
      if (!flags.wait) {
        if (!this.jsonEnabled()) {
          for (const a of created.actions) this.output.line(`${a.id}  ${a.host}  ${a.status}`);
          this.output.info('follow with: neptune actions logs ID --follow');
        }
        return created;
      }
      const prefixer = new actions.Prefixer((t) => this.output.write(t), created.actions.length > 1);
      const results = await actions.follow(client, created.actions, {
        onOutput: this.jsonEnabled() ? undefined : (action, text) => prefixer.push(action.host, text),
      });
      prefixer.flush();
      const failed = results.filter((r) => r.status !== 'succeeded');
      if (!this.jsonEnabled()) {
        for (const r of results) {
          const detail = r.exitCode !== null ? `exit ${r.exitCode}` : (r.reason ?? '');
          this.output.info(
            `${r.host}: ${r.status}${detail ? ` (${detail})` : ''}${r.truncated ? ', output truncated' : ''}`,
          );
        }
      }
      if (failed.length > 0) process.exitCode = 1;
      return { actions: results };
    });
  }
}
