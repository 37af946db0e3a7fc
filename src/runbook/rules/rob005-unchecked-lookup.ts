import type { Command } from '../shell/model';
import type { RawFinding, Rule } from '../types';
import { at, commandsIn, subcommand } from './util';

const LOOKUPS =
  /^(ps|pgrep|pidof|grep|egrep|awk|cut|head|tail|cat|jq|aws|docker|heroku|kubectl|curl|find|ls|sed|hostname|dig|getent)$/;

function isAction(cmd: Command): boolean {
  const name = cmd.name;
  if (!name) return false;
  if (/^(kill|pkill|rm|ssh|scp|rsync|chmod|chown|mv)$/.test(name)) return true;
  if (name === 'docker') return /^(stop|kill|rm|restart|exec)$/.test(subcommand(cmd, 0) ?? '');
  if (name === 'aws') return true;
  if (name === 'heroku') return /restart|stop|kill|scale/.test(subcommand(cmd, 0) ?? '');
  if (name === 'kubectl') return /^(delete|scale|exec|rollout|drain|cordon)$/.test(subcommand(cmd, 0) ?? '');
  if (name === 'systemctl' || name === 'service') return true;
  return false;
}

/** A lookup that finds nothing (or two things) makes the action hit nothing, everything, or the wrong thing. */
export const ROB005: Rule = {
  id: 'ROB005',
  name: 'unchecked-lookup',
  group: 'ROB',
  severity: 'warning',
  summary: 'PID, host or id from a lookup used for an action with no empty or format test',
  explain: `PID=$(pgrep -x app) finds nothing when the app is already gone, and two pids when there are two. "kill $PID"
then fails, kills both, or, with a format surprise, something else.

Test the value before acting: [ -n "$PID" ] || exit 0; case $PID in *[!0-9]*) exit 1;; esac.`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const shell = ctx.shell!;
    const out: RawFinding[] = [];
    const reported = new Set<string>();
    for (let aIndex = 0; aIndex < shell.assignments.length; aIndex++) {
      const a = shell.assignments[aIndex]!;
      if (
        !a.value ||
        a.node.type === 'for_statement' ||
        (!a.valueText.includes('$(') && !a.valueText.includes('`'))
      )
        continue;
      if (!commandsIn(shell, a.value).some((c) => c.name && LOOKUPS.test(c.name))) continue;
      for (let cmdIndex = 0; cmdIndex < shell.commands.length; cmdIndex++) {
        const cmd = shell.commands[cmdIndex]!;
        if (cmd.node.start <= a.node.end || !isAction(cmd)) continue;
        const use = cmd.args.flatMap((w) => w.expansions).find((e) => e.name === a.name && !e.guarded);
        if (!use) continue;
        const checked = shell.tests.some(
          (t) => t.name === a.name && t.start > a.node.start && t.start < cmd.node.start,
        );
        const key = `${a.name}@${a.node.start}`;
        if (!checked && !reported.has(key)) {
          reported.add(key);
          out.push(
            at(
              use.node,
              `$${a.name} comes from a lookup and is used by ${cmd.name} without a check: test it is non-empty and well-formed first`,
            ),
          );
        }
      }
    }
    return out;
  },
};
