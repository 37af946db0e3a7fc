import type { Rule } from '../types';
import { expName, isTainted } from './util';

/** An alert value expanded without quotes is split and globbed by the shell: the alert's author picks the words. */
export const SEC001: Rule = {
  id: 'SEC001',
  name: 'alert-input-unquoted',
  group: 'SEC',
  severity: 'error',
  summary:
    'Alert-derived value (NP_*, params) expanded unquoted: the alert author controls word splitting and globbing',
  explain: `Alert values reach a runbook as NP_* environment variables (and declared params). Expanded without
double quotes, the shell splits them on spaces and expands globs, so whoever writes the alert chooses how many
arguments a command gets, and which files they name:

    kill -9 $NP_PID            # NP_PID="1 1234" kills init's children too
    rm -f /tmp/$NP_FILE        # NP_FILE="* /etc/passwd"

Quote every expansion of an alert value: "$NP_PID". The fix adds the quotes.`,
  fix: 'safe',
  languages: ['bash', 'sh'],
  check(ctx) {
    const shell = ctx.shell!;
    const out = [];
    for (let eIndex = 0; eIndex < shell.expansions.length; eIndex++) {
      const e = shell.expansions[eIndex]!;
      if (e.kind !== 'var' || e.quoted || !isTainted(shell, e)) continue;
      let context = e.context;
      if (context === 'test') {
        // [[ ]] does not split; [ ] and test do.
        const test = ancestorsUntil(e.node, 'test_command');
        if (test && ctx.text.startsWith('[[', test.start)) continue;
        context = 'arg';
      }
      if (context !== 'arg' && context !== 'name' && context !== 'redirect') continue;
      out.push({
        message: `alert value ${expName(e, ctx.text)} is expanded unquoted: quote it ("${ctx.text.slice(e.node.start, e.node.end)}")`,
        start: e.node.start,
        end: e.node.end,
        fix: {
          description: 'quote the expansion',
          safe: true,
          edits: [
            { start: e.node.start, end: e.node.start, text: '"' },
            { start: e.node.end, end: e.node.end, text: '"' },
          ],
        },
      });
    }
    return out;
  },
};

function ancestorsUntil(node: { parent: unknown }, type: string): { start: number; type: string } | null {
  let p = node.parent as { parent: unknown; type: string; start: number } | null;
  while (p) {
    if (p.type === type) return p;
    p = p.parent as typeof p;
  }
  return null;
}
