import { interpreterOf } from '../analyze';
import { syntaxErrors } from '../syntax';
import type { Rule } from '../types';

/** A runbook that does not parse fails on the host, at the worst time. */
export const ROB004: Rule = {
  id: 'ROB004',
  name: 'parse-error',
  group: 'ROB',
  severity: 'error',
  summary: 'Shell or Python syntax error',
  explain: `The runbook does not parse. The shell runs the lines before the error and then stops (or, in some shells,
skips ahead); Python refuses to start (a Python 2 print statement included, unless the shebang runs python2).
Either way the remediation does not happen.

Fix the syntax (bash -n / sh -n / python3 -m py_compile say the same). Placeholders like <app> are a common
cause: see ROB003.`,
  fix: 'none',
  languages: ['bash', 'sh', 'python'],
  check(ctx) {
    if (!ctx.tree) return [];
    const errors = syntaxErrors(ctx.tree);
    const first = errors[0];
    // The Python grammar also reads Python 2's print statement, which Python 3 refuses to compile (issue 27): an
    // error for every runbook not run by python2 explicitly
    const py2 = ctx.shebang !== null && /^python2(\.\d+)?$/.test(interpreterOf(ctx.shebang));
    const print = ctx.language === 'python' && !py2 ? ctx.python?.prints[0] : undefined;
    if (print && (!first || print.start < first.start)) {
      const more = errors.length + (ctx.python?.prints.length ?? 1) - 1;
      return [
        {
          message: `Python 3 syntax error: print statement (Python 2 only), use print(…)${more > 0 ? ` (and ${more} more)` : ''}`,
          start: print.start,
          end: print.end,
        },
      ];
    }
    if (!first) return [];
    const lang = ctx.language === 'python' ? 'Python' : 'shell';
    const token = ctx.text.slice(first.start, Math.min(first.end, first.start + 20)).split('\n')[0];
    // `cmd <app_name>`: the `>` is left with nothing to redirect to
    const dangling = /^[<>]$/.test(token ?? '') && /^[ \t]*(\n|$)/.test(ctx.text.slice(first.end));
    const what = first.missing
      ? `missing ${first.type}`
      : dangling
        ? `${JSON.stringify(token)} ends the line with no file to redirect to`
        : token
          ? `unexpected ${JSON.stringify(token)}`
          : 'unexpected end of file';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    return [
      {
        message: `${lang} syntax error: ${what}${more}`,
        start: first.start,
        end: Math.max(first.end, first.start),
      },
    ];
  },
};
