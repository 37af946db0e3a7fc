import type { RawFinding, Rule } from '../types';
import { at } from './util';

/** Option letters of grep that take a value. */
const VALUE_OPTS = /^-[ABCDdefm]$/;

/** In a basic regular expression `|` is a literal bar: "error|fatal" matches neither word. */
export const ROB006: Rule = {
  id: 'ROB006',
  name: 'grep-bre-alternation',
  group: 'ROB',
  severity: 'warning',
  summary: '| in a grep pattern without -E/-P is a literal bar',
  explain: `grep "error|fatal" looks for the literal text "error|fatal" and finds nothing, so the diagnosis says all is
well. Use grep -E "error|fatal" (or grep -e error -e fatal). The fix adds -E when the pattern means the same
in both syntaxes.`,
  fix: 'safe',
  languages: ['bash', 'sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    for (let cmdIndex = 0; cmdIndex < ctx.shell!.commands.length; cmdIndex++) {
      const cmd = ctx.shell!.commands[cmdIndex]!;
      if (cmd.name !== 'grep') continue;
      const opts = cmd.args.filter((w) => (w.literal ?? '').startsWith('-')).map((w) => w.literal!);
      if (
        opts.some((o) => /^-[a-zA-Z]*[EPF]/.test(o) && !o.startsWith('--')) ||
        opts.some((o) => /^--(extended|perl|fixed)/.test(o))
      )
        continue;
      let pattern: (typeof cmd.args)[number] | undefined;
      for (let i = 0; i < cmd.args.length; i++) {
        const a = cmd.args[i]!.literal;
        if (a === '-e') {
          pattern = cmd.args[i + 1];
          break;
        }
        if (a?.startsWith('-')) {
          if (VALUE_OPTS.test(a)) i++;
          continue;
        }
        pattern = cmd.args[i];
        break;
      }
      const p = pattern?.literal;
      if (!pattern || !p || !/(^|[^\\])\|/.test(p)) continue;
      const f = at(
        pattern.node,
        `grep pattern "${p}" has a | that basic regular expressions take literally: use grep -E`,
      );
      if (/^[\w\s|.^$*[\]:/=@,'-]+$/.test(p) && cmd.nameWord)
        f.fix = {
          description: 'add -E',
          safe: true,
          edits: [{ start: cmd.nameWord.node.end, end: cmd.nameWord.node.end, text: ' -E' }],
        };
      out.push(f);
    }
    return out;
  },
};
