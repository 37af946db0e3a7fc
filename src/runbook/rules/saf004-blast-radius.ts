import type { RawFinding, Rule } from '../types';
import { at, changesState, commandsIn, subcommand } from './util';

const DOCKER_ACTIONS = /^(stop|kill|rm|restart|pause|rmi)$/;

/** A remediation that acts on every item turns one bad alert into an outage. */
export const SAF004: Rule = {
  id: 'SAF004',
  name: 'blast-radius',
  group: 'SAF',
  severity: 'warning',
  summary: 'Acts on all items: every container, every dyno, an unbounded list from the alert',
  explain: `"docker stop $(docker ps -q)" stops every container on the host, not the unhealthy one; "heroku restart"
without a dyno restarts all of them; a loop over a host list from the alert acts on as many hosts as the
alert names.

Act on the one item the alert is about (by name or id, validated), and bound lists (head -n, a max in the
manifest's caps).`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const shell = ctx.shell!;
    const out: RawFinding[] = [];
    for (let cmdIndex = 0; cmdIndex < shell.commands.length; cmdIndex++) {
      const cmd = shell.commands[cmdIndex]!;
      const name = cmd.name;
      const sub = subcommand(cmd, 0);
      if (name === 'docker' && sub && DOCKER_ACTIONS.test(sub)) {
        const all = cmd.args.some((w) =>
          w.expansions.some(
            (e) =>
              e.kind === 'cmdsub' &&
              commandsIn(shell, e.node).some(
                (c) =>
                  c.name === 'docker' &&
                  /^(ps|images)$/.test(subcommand(c, 0) ?? '') &&
                  !c.args.some((a) => /^(-f|--filter)/.test(a.literal ?? '')),
              ),
          ),
        );
        if (all)
          out.push(
            at(
              cmd.node,
              `docker ${sub} on every container from docker ps: act on the one the alert is about`,
            ),
          );
      }
      if (
        name === 'docker' &&
        (sub === 'system' || sub === 'container' || sub === 'image' || sub === 'volume') &&
        subcommand(cmd, 1) === 'prune' &&
        cmd.args.some((w) => /^(-a|--all|-af|-fa)$/.test(w.literal ?? ''))
      )
        out.push(at(cmd.node, `docker ${sub} prune --all removes every unused item on the host`));
      if (
        cmd.wrappers.some((w) => w.name === 'xargs') &&
        name === 'docker' &&
        cmd.pipeline?.slice(0, cmd.pipeIndex).some((c) => c.name === 'docker' && subcommand(c, 0) === 'ps')
      )
        out.push(
          at(cmd.node, 'xargs docker … on every container from docker ps: act on the one the alert is about'),
        );
      if (name === 'heroku' && sub && /^(restart|ps:restart|ps:stop|dyno:restart)$/.test(sub)) {
        const positional = [];
        for (let i = 0; i < cmd.args.length; i++) {
          const a = cmd.args[i]!.literal;
          if (a === '-a' || a === '--app' || a === '-r' || a === '--remote') {
            i++;
            continue;
          }
          if (a?.startsWith('-')) continue;
          positional.push(cmd.args[i]);
        }
        if (positional.length < 2)
          out.push(at(cmd.node, `heroku ${sub} without a dyno acts on every dyno of the app`));
      }
      if (
        name === 'kubectl' &&
        cmd.args.some(
          (w) => w.literal === '--all' || w.literal === '--all-namespaces' || w.literal === '-A',
        ) &&
        changesState(cmd)
      )
        out.push(at(cmd.node, `kubectl ${sub} --all acts on every object`));
    }
    // for x in $ALERT_LIST; do <state change>; done
    for (let aIndex = 0; aIndex < shell.assignments.length; aIndex++) {
      const a = shell.assignments[aIndex]!;
      if (a.node.type !== 'for_statement') continue;
      const overInput = shell.expansions.some(
        (e) =>
          e.name && shell.tainted.has(e.name) && e.node.start >= a.valueStart && e.node.end <= a.valueEnd,
      );
      const bounded = /\bhead\b/.test(a.valueText);
      if (overInput && !bounded && commandsIn(shell, a.node).some((c) => changesState(c)))
        out.push(
          at(
            { start: a.node.start, end: a.valueEnd },
            'loop over an alert-supplied list changes state on every item: bound it (head -n) and cap it',
          ),
        );
    }
    return out;
  },
};
