import type { RawFinding, Rule } from '../types';
import { at, hasFlag } from './util';

/** A hung connection holds the runbook until the agent kills it, with nothing reported. */
export const ROB007: Rule = {
  id: 'ROB007',
  name: 'network-no-timeout',
  group: 'ROB',
  severity: 'info',
  summary: 'curl, wget, ssh, nc or aws without a timeout',
  explain: `Network clients wait minutes (or forever) on a black-holed address. The runbook then hits its own timeout
and is killed without saying what it was waiting for.

Give every network call a timeout: curl --max-time 30, wget --timeout=30, ssh -o ConnectTimeout=10,
nc -w 5, aws --cli-connect-timeout 10, or wrap it in timeout 30. The fix adds one to curl and wget.`,
  fix: 'safe',
  languages: ['bash', 'sh', 'python'],
  check(ctx) {
    const out: RawFinding[] = [];
    if (ctx.shell)
      for (let cmdIndex = 0; cmdIndex < ctx.shell.commands.length; cmdIndex++) {
        const cmd = ctx.shell.commands[cmdIndex]!;
        if (cmd.wrappers.some((w) => w.name === 'timeout')) continue;
        const name = cmd.name;
        const word = cmd.nameWord;
        if (name === 'curl' && !hasFlag(cmd, '-m', '--max-time')) {
          const f = at(cmd.node, 'curl without --max-time can hang: add --max-time 30');
          if (word)
            f.fix = {
              description: 'add --max-time 30',
              safe: true,
              edits: [{ start: word.node.end, end: word.node.end, text: ' --max-time 30' }],
            };
          out.push(f);
        } else if (name === 'wget' && !hasFlag(cmd, '-T', '--timeout', '--read-timeout')) {
          const f = at(cmd.node, 'wget without --timeout can hang: add --timeout=30');
          if (word)
            f.fix = {
              description: 'add --timeout=30',
              safe: true,
              edits: [{ start: word.node.end, end: word.node.end, text: ' --timeout=30' }],
            };
          out.push(f);
        } else if (
          (name === 'ssh' || name === 'scp') &&
          !cmd.args.some((w) => /ConnectTimeout=/.test(w.text))
        ) {
          out.push(at(cmd.node, `${name} without -o ConnectTimeout can hang`));
        } else if ((name === 'nc' || name === 'ncat') && !hasFlag(cmd, '-w')) {
          out.push(at(cmd.node, `${name} without -w can hang`));
        } else if (name === 'aws' && !hasFlag(cmd, '--cli-read-timeout', '--cli-connect-timeout')) {
          out.push(at(cmd.node, 'aws without --cli-connect-timeout / --cli-read-timeout can hang'));
        }
      }
    if (ctx.python)
      for (const call of ctx.python.calls)
        if (
          /^(requests\.(get|post|put|delete|head|patch|request)|urlopen|urllib\.request\.urlopen|urllib2\.urlopen)$/.test(
            call.func,
          ) &&
          !call.kwargs.has('timeout')
        )
          out.push(at(call.node, `${call.func}() without timeout= can hang`));
    return out;
  },
};
