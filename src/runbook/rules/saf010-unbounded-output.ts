import type { Command } from '../shell/model';
import type { Fix, RawFinding, Rule } from '../types';
import { at, hasFlag, subcommand } from './util';

function piped(cmd: Command): boolean {
  return (
    !!cmd.pipeline &&
    cmd.pipeline
      .slice(cmd.pipeIndex + 1)
      .some((c) => /^(head|tail|grep|egrep|wc|awk|sed|cut|sort|uniq|jq)$/.test(c.name ?? ''))
  );
}

/** Output is capped at 2 MiB and uploaded to the alert timeline: whole logs are both cut off and exposed. */
export const SAF010: Rule = {
  id: 'SAF010',
  name: 'unbounded-output',
  group: 'SAF',
  severity: 'info',
  summary: 'Whole logs, dmesg or docker logs printed (2 MiB cap; data exposure)',
  explain: `The agent keeps the first 2 MiB of a runbook's output and uploads it to the alert timeline. Printing a whole
log both loses the end (the interesting part) and publishes whatever the log holds (tokens, personal data).

Print the tail (tail -n 200, docker logs --tail 200, journalctl -n 200), or filter with grep first.`,
  fix: 'unsafe',
  languages: ['bash', 'sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    for (let cmdIndex = 0; cmdIndex < ctx.shell!.commands.length; cmdIndex++) {
      const cmd = ctx.shell!.commands[cmdIndex]!;
      const name = cmd.name;
      if (!name || piped(cmd) || cmd.inSubstitution) continue;
      if (
        name === 'cat' &&
        cmd.args.some((w) => /(^|\/)(var\/log\/|.*\.log$)/.test(w.text.replace(/["']/g, ''))) &&
        !cmd.redirects.some((r) => r.type === 'file_redirect')
      )
        out.push({
          ...at(cmd.node, 'cat of a whole log: print the tail (tail -n 200) or grep it'),
          ...(cmd.nameWord && cmd.nameWord.literal === 'cat'
            ? { fix: insertAfterName(cmd, 'tail -n 200', true) }
            : {}),
        });
      if (name === 'dmesg' && !hasFlag(cmd, '--since', '-S'))
        out.push(at(cmd.node, 'dmesg prints the whole ring buffer: pipe it to tail -n 100'));
      if (
        (name === 'docker' || name === 'kubectl') &&
        subcommand(cmd, 0) === 'logs' &&
        !hasFlag(cmd, '--tail', '--since', '-n')
      )
        out.push({
          ...at(cmd.node, `${name} logs prints the whole log: add --tail 200`),
          fix: {
            description: 'add --tail 200',
            safe: false,
            edits: [{ start: cmd.args[0]!.node.end, end: cmd.args[0]!.node.end, text: ' --tail 200' }],
          },
        });
      if (name === 'journalctl' && !hasFlag(cmd, '-n', '--lines', '--since', '-S', '-b'))
        out.push({
          ...at(cmd.node, 'journalctl prints the whole journal: add -n 200 or --since'),
          ...(cmd.nameWord ? { fix: insertAfterName(cmd, ' -n 200', false) } : {}),
        });
      if (name === 'heroku' && subcommand(cmd, 0) === 'logs' && !hasFlag(cmd, '-n', '--num'))
        out.push(at(cmd.node, 'heroku logs without -n: say how many lines'));
    }
    return out;
  },
};

/** Replaces the command name (`cat` -> `tail -n 200`) or appends options right after it. */
function insertAfterName(cmd: Command, text: string, replace: boolean): Fix {
  const w = cmd.nameWord!;
  return {
    description: replace ? `use ${text}` : `add${text}`,
    safe: false,
    edits: [
      replace ? { start: w.node.start, end: w.node.end, text } : { start: w.node.end, end: w.node.end, text },
    ],
  };
}
