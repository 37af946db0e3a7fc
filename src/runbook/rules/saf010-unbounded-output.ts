import type { Command } from '../shell/model';
import type { RawFinding, Rule } from '../types';
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
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    for (const cmd of ctx.shell!.commands) {
      const name = cmd.name;
      if (!name || piped(cmd) || cmd.inSubstitution) continue;
      if (
        name === 'cat' &&
        cmd.args.some((w) => /(^|\/)(var\/log\/|.*\.log$)/.test(w.text.replace(/["']/g, ''))) &&
        !cmd.redirects.some((r) => r.type === 'file_redirect')
      )
        out.push(at(cmd.node, 'cat of a whole log: print the tail (tail -n 200) or grep it'));
      if (name === 'dmesg' && !hasFlag(cmd, '--since', '-S'))
        out.push(at(cmd.node, 'dmesg prints the whole ring buffer: pipe it to tail -n 100'));
      if (
        (name === 'docker' || name === 'kubectl') &&
        subcommand(cmd, 0) === 'logs' &&
        !hasFlag(cmd, '--tail', '--since', '-n')
      )
        out.push(at(cmd.node, `${name} logs prints the whole log: add --tail 200`));
      if (name === 'journalctl' && !hasFlag(cmd, '-n', '--lines', '--since', '-S', '-b'))
        out.push(at(cmd.node, 'journalctl prints the whole journal: add -n 200 or --since'));
      if (name === 'heroku' && subcommand(cmd, 0) === 'logs' && !hasFlag(cmd, '-n', '--num'))
        out.push(at(cmd.node, 'heroku logs without -n: say how many lines'));
    }
    return out;
  },
};
