import type { Command } from '../shell/model';
import type { Rule } from '../types';
import { at, changesState, subcommand } from './util';

function isProbe(cmd: Command): boolean {
  const name = cmd.name ?? '';
  const sub = subcommand(cmd, 0) ?? '';
  if (
    /^(curl|wget|pgrep|pidof|nc|ncat|ss|netstat|lsof|test|\[|\[\[|grep|ping|dig|nslookup|pg_isready|mysqladmin|redis-cli)$/.test(
      name,
    )
  )
    return true;
  if (name === 'systemctl') return /^(is-active|is-failed|status|show)$/.test(sub);
  if (name === 'service') return subcommand(cmd, 1) === 'status';
  if (name === 'docker')
    return (
      /^(ps|inspect|logs|top|stats|images)$/.test(sub) ||
      (sub === 'image' && /^(ls|inspect)$/.test(subcommand(cmd, 1) ?? ''))
    );
  if (name === 'heroku') return /^(ps|status|apps:info|logs|pg:info|pg:wait)$/.test(sub);
  if (name === 'kubectl') return /^(get|describe|rollout|wait)$/.test(sub);
  if (name === 'aws') return /^(describe-|get-|wait)/.test(subcommand(cmd, 1) ?? '');
  if (name === 'ps' || name === 'kill') return cmd.args.some((w) => w.literal === '-0' || w.literal === '-p');
  return false;
}

/** Without a check after the action, the runbook reports success whether or not the fix worked. */
export const SAF009: Rule = {
  id: 'SAF009',
  name: 'no-post-check',
  group: 'SAF',
  severity: 'info',
  summary: 'State change with no status or health probe after it that sets the exit code',
  explain: `"systemctl restart nginx" exits 0 as soon as systemd accepts the job, not when nginx serves again. A runbook
that ends there reports success for a fix that did not work, and the alert is closed.

End with a probe whose exit status becomes the runbook's: systemctl is-active, curl -fsS the health URL,
pgrep -x, docker inspect, aws … wait.`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const shell = ctx.shell!;
    const changes = shell.commands.filter(
      (c) =>
        changesState(c) && c.name !== 'rm' && c.name !== 'chmod' && c.name !== 'chown' && c.name !== 'mv',
    );
    const last = changes[changes.length - 1];
    if (!last) return [];
    const probed =
      shell.commands.some((c) => c.node.start > last.node.end && isProbe(c)) ||
      shell.tests.some((t) => t.start > last.node.end);
    return probed
      ? []
      : [
          at(
            last.node,
            'no status or health check after this change: end with a probe (systemctl is-active, curl -fsS …) so the exit code tells whether it worked',
          ),
        ];
  },
};
