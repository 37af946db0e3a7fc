import type { Command } from '../shell/model';
import type { RawFinding, Rule } from '../types';
import { at, subcommand } from './util';

const SQL =
  /\b(DROP\s+(DATABASE|TABLE|SCHEMA)|TRUNCATE\b|FLUSHALL|FLUSHDB|DELETE\s+FROM\s+[\w."]+\s*(;|$|["']))/i;
const GATE = /confirm|approv/i;

/** Every command name `destroys` looks further at (besides mkfs.*): most commands leave at one lookup. */
const CANDIDATES = new Set(
  `dropdb wipefs reboot shutdown halt poweroff dd init systemctl redis-cli rake rails bundle heroku terraform aws
  gcloud doctl tugboat slcli kubectl mysql psql sqlite3 mongo mongosh cqlsh`.split(/\s+/),
);

/** What the command destroys, or null. */
export function destroys(cmd: Command): string | null {
  const name = cmd.name;
  if (!name || (!CANDIDATES.has(name) && !name.startsWith('mkfs'))) return null;
  const sub = subcommand(cmd, 0) ?? '';
  const sub1 = subcommand(cmd, 1) ?? '';
  if (/^(dropdb|mkfs(\..+)?|wipefs|reboot|shutdown|halt|poweroff)$/.test(name)) return name;
  if (name === 'dd' && cmd.args.some((w) => /^of=\/dev\//.test(w.literal ?? ''))) return 'dd to a device';
  if (name === 'init' && /^[06]$/.test(sub)) return `init ${sub}`;
  if (name === 'systemctl' && /^(reboot|poweroff|halt|kexec)$/.test(sub)) return `systemctl ${sub}`;
  if (name === 'redis-cli' && cmd.args.some((w) => /^(flushall|flushdb)$/i.test(w.literal ?? '')))
    return 'redis-cli flush';
  if (
    /^(rake|rails|bundle)$/.test(name) &&
    cmd.args.some((w) => /^db:(reset|drop|schema:load|setup)$/.test(w.literal ?? ''))
  )
    return `${name} db reset`;
  if (
    name === 'heroku' &&
    (/^(pg:reset|apps:destroy|destroy)$/.test(sub) ||
      cmd.args.some((w) => /^db:(reset|drop)$/.test(w.literal ?? '')))
  )
    return `heroku ${sub}`;
  if (name === 'terraform' && sub === 'destroy') return 'terraform destroy';
  if (name === 'aws') {
    if (/^(terminate-instances|stop-instances|reboot-instances)$/.test(sub1)) return `aws ${sub} ${sub1}`;
    if (/^delete-/.test(sub1)) return `aws ${sub} ${sub1}`;
    if (
      sub === 's3' &&
      (sub1 === 'rb' || (sub1 === 'rm' && cmd.args.some((w) => w.literal === '--recursive')))
    )
      return `aws s3 ${sub1}`;
  }
  if (name === 'gcloud' && cmd.args.some((w) => /^(delete|stop|reset)$/.test(w.literal ?? '')))
    return 'gcloud delete/stop';
  if (name === 'doctl' && cmd.args.some((w) => /^(delete|rm|power-off|shutdown)$/.test(w.literal ?? '')))
    return 'doctl delete';
  if (name === 'tugboat' && /^(destroy|halt|restart|rebuild)$/.test(sub)) return `tugboat ${sub}`;
  if (name === 'slcli' && cmd.args.some((w) => /^(cancel|reload|power-off|reboot)$/.test(w.literal ?? '')))
    return 'slcli cancel/reload';
  if (name === 'kubectl' && /^(delete|drain)$/.test(sub)) return `kubectl ${sub}`;
  if (
    /^(mysql|psql|sqlite3|redis-cli|mongo|mongosh|cqlsh)$/.test(name) &&
    cmd.args.some((w) => SQL.test(w.text))
  )
    return `${name} destructive SQL`;
  return null;
}

export const SAF005: Rule = {
  id: 'SAF005',
  name: 'destructive-ungated',
  group: 'SAF',
  severity: 'error',
  summary:
    'DB reset/drop, destroy/terminate/cancel, mkfs/dd, reboot without destructive: true and an approval gate',
  explain: `Some actions cannot be undone: dropping or resetting a database, terminating instances, destroying apps,
formatting disks, rebooting hosts. An alert can fire by mistake, twice, or for the wrong host.

Mark the runbook "destructive: true" in its manifest, and gate the action in the script: an explicit
confirmation param checked before it (e.g. [ "$NP_CONFIRM" = "yes" ] || exit 1), or a pre-check that fails
closed.`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const shell = ctx.shell!;
    const out: RawFinding[] = [];
    const declared = ctx.manifest?.destructive === true;
    for (let cmdIndex = 0; cmdIndex < shell.commands.length; cmdIndex++) {
      const cmd = shell.commands[cmdIndex]!;
      const what = destroys(cmd);
      if (!what) continue;
      const gated = shell.tests.some((t) => GATE.test(t.name) && t.start < cmd.node.start);
      if (!declared)
        out.push(
          at(
            cmd.node,
            `${what} is destructive: declare "destructive: true" in the manifest and gate it with a confirmation`,
          ),
        );
      else if (!gated)
        out.push(
          at(
            cmd.node,
            `${what} is destructive and not gated: check a confirmation param (e.g. NP_CONFIRM) before it`,
          ),
        );
    }
    return out;
  },
};
