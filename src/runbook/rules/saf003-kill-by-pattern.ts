import type { Command, ShellModel } from '../shell/model';
import type { RawFinding, Rule } from '../types';
import { at, commandsIn } from './util';

function isLoosePidLookup(cmds: Command[]): boolean {
  const names = cmds.map((c) => c.name);
  const psGrep = names.includes('ps') && names.includes('grep');
  const loosePgrep = cmds.some(
    (c) => c.name === 'pgrep' && !c.args.some((w) => /^-[a-zA-Z]*x/.test(w.literal ?? '')),
  );
  return psGrep || loosePgrep;
}

function pidsFromPattern(shell: ShellModel, cmd: Command): boolean {
  for (const w of cmd.args)
    for (let eIndex = 0; eIndex < w.expansions.length; eIndex++) {
      const e = w.expansions[eIndex]!;
      if (e.kind === 'cmdsub' && isLoosePidLookup(commandsIn(shell, e.node))) return true;
      if (e.kind === 'var' && e.name) {
        const a = [...shell.assignments]
          .reverse()
          .find((x) => x.name === e.name && x.node.start < cmd.node.start);
        if (a?.value && isLoosePidLookup(commandsIn(shell, a.value))) return true;
      }
    }
  if (
    cmd.wrappers.some((x) => x.name === 'xargs') &&
    cmd.pipeline &&
    isLoosePidLookup(cmd.pipeline.slice(0, cmd.pipeIndex))
  )
    return true;
  return false;
}

const SIGKILL = /^-(9|KILL|SIGKILL|s\s*KILL)$/i;

export const SAF003: Rule = {
  id: 'SAF003',
  name: 'kill-by-pattern',
  group: 'SAF',
  severity: 'warning',
  summary: 'kill/pkill on PIDs from ps|grep or a loose pgrep; SIGKILL without TERM and a wait',
  explain: `"ps aux | grep java" also matches the grep itself, other users' processes, and anything with "java" in its
arguments; "pkill -f" matches whole command lines. And SIGKILL gives the process no chance to flush data or
release locks.

    kill -9 $(ps aux | grep '[j]ava' | awk '{print $2}')
    # better: pid=$(cat /run/app.pid); kill "$pid"; sleep 10; kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"

Find the process by its pid file, its systemd unit, or pgrep -x with a user (-u); send TERM, wait, and only
then KILL.`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const shell = ctx.shell!;
    const out: RawFinding[] = [];
    let termSent = false;
    let waited = false;
    for (let cmdIndex = 0; cmdIndex < shell.commands.length; cmdIndex++) {
      const cmd = shell.commands[cmdIndex]!;
      const name = cmd.name;
      if (name === 'sleep' || name === 'wait' || name === 'timeout') waited = true;
      if (name === 'pkill' && !cmd.args.some((w) => /^-[a-zA-Z]*x/.test(w.literal ?? '')))
        out.push(
          at(
            cmd.node,
            'pkill without -x matches any process whose name contains the pattern: use a pid file or pgrep -x -u <user>',
          ),
        );
      if (name !== 'kill' && name !== 'pkill' && name !== 'killall') continue;
      const signals = cmd.args.filter((w) => (w.literal ?? '').startsWith('-')).map((w) => w.literal!);
      const sKill = cmd.args.findIndex((w) => w.literal === '-s');
      const isKill =
        signals.some((s) => SIGKILL.test(s)) ||
        (sKill !== -1 && /^(9|KILL|SIGKILL)$/i.test(cmd.args[sKill + 1]?.literal ?? ''));
      if (name === 'kill' && pidsFromPattern(shell, cmd))
        out.push(
          at(cmd.node, 'kill on PIDs found with ps | grep or a loose pgrep: it can hit the wrong process'),
        );
      if (isKill && !(termSent && waited))
        out.push(
          at(cmd.node, `${name} with SIGKILL and no earlier TERM and wait: send TERM, wait, then KILL`),
        );
      if (!isKill && name === 'kill' && !signals.some((s) => s !== '-0' && s !== '-TERM' && s !== '-15'))
        termSent = true;
      if (!isKill && signals.includes('-0')) waited = waited || false;
    }
    return out;
  },
};
