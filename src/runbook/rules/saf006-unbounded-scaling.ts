import type { Command, ShellModel } from '../shell/model';
import type { RawFinding, Rule } from '../types';
import { at, subcommand } from './util';

function isScaling(cmd: Command): boolean {
  const sub = subcommand(cmd, 0) ?? '';
  const sub1 = subcommand(cmd, 1) ?? '';
  switch (cmd.name) {
    case 'heroku':
      return /^(ps:scale|scale|dyno:scale|ps:resize)$/.test(sub);
    case 'aws':
      return sub === 'autoscaling' && /^(set-desired-capacity|update-auto-scaling-group)$/.test(sub1);
    case 'kubectl':
      return sub === 'scale';
    case 'docker':
      return (
        (sub === 'service' && sub1 === 'scale') ||
        (sub === 'compose' && cmd.args.some((w) => w.literal === '--scale'))
      );
    case 'docker-compose':
      return sub === 'scale' || cmd.args.some((w) => w.literal === '--scale');
    default:
      return false;
  }
}

/** Is the value computed (arithmetic, expr, bc) rather than fixed? */
function computed(shell: ShellModel, name: string, before: number, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  const a = [...shell.assignments].reverse().find((x) => x.name === name && x.node.start < before);
  if (!a?.value) return false;
  if (/\$\(\(|\bexpr\b|\bbc\b|\$\[/.test(a.valueText)) return true;
  return shell.expansions.some(
    (e) =>
      e.name &&
      e.node.start >= a.valueStart &&
      e.node.end <= a.valueEnd &&
      computed(shell, e.name, a.node.start, seen),
  );
}

function clamped(shell: ShellModel, name: string, before: number): boolean {
  return shell.tests.some(
    (t) => t.name === name && t.start < before && (t.kind === 'compare' || t.kind === 'case'),
  );
}

export const SAF006: Rule = {
  id: 'SAF006',
  name: 'unbounded-scaling',
  group: 'SAF',
  severity: 'warning',
  summary: 'Capacity = current x factor or +/- N with no min/max clamp',
  explain: `A scaling runbook that doubles the current capacity runs again when the alert fires again: 2, 4, 8, 16…
until the account limit or the bill stops it. Scaling down can reach zero.

    NEW=$((CURRENT * 2)); heroku ps:scale web=$NEW
    # clamp: [ "$NEW" -gt 10 ] && NEW=10; [ "$NEW" -lt 2 ] && NEW=2

Clamp the computed value between a minimum and a maximum before using it.`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const shell = ctx.shell!;
    const out: RawFinding[] = [];
    for (let cmdIndex = 0; cmdIndex < shell.commands.length; cmdIndex++) {
      const cmd = shell.commands[cmdIndex]!;
      if (!isScaling(cmd)) continue;
      for (const w of cmd.args)
        for (let eIndex = 0; eIndex < w.expansions.length; eIndex++) {
          const e = w.expansions[eIndex]!;
          if (e.kind === 'arith')
            out.push(at(e.node, `${cmd.name} scales to a computed capacity with no min/max clamp`));
          else if (
            e.kind === 'var' &&
            e.name &&
            computed(shell, e.name, cmd.node.start) &&
            !clamped(shell, e.name, cmd.node.start)
          )
            out.push(
              at(
                e.node,
                `${cmd.name} scales to $${e.name}, computed from the current capacity with no min/max clamp`,
              ),
            );
        }
    }
    return out;
  },
};
