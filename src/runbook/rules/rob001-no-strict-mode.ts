import type { Rule } from '../types';

/** Without errexit a failed step is ignored and the next one acts on its missing result. */
export const ROB001: Rule = {
  id: 'ROB001',
  name: 'no-strict-mode',
  group: 'ROB',
  severity: 'warning',
  summary: 'No errexit/nounset (set -eu) and no explicit checks',
  explain: `Without "set -e" a shell script carries on after a failed command: the pid lookup failed, so kill gets no
pid; the cd failed, so rm runs in the wrong directory. Without "set -u" a misspelt variable is empty.

Start shell runbooks with "set -eu" (bash: "set -euo pipefail"), or check each step explicitly
(cmd || exit 1). --fix-unsafe inserts "set -eu" after the shebang and manifest.`,
  fix: 'unsafe',
  languages: ['bash', 'sh'],
  check(ctx) {
    const shell = ctx.shell!;
    const shebangErrexit = ctx.shebang !== null && /\s-[a-zA-Z]*e/.test(ctx.shebang);
    if (shell.strict.errexit >= 0 || shebangErrexit || shell.explicitChecks > 0) return [];
    const first = shell.statements[0];
    const insertAt = ctx.manifestSpan
      ? ctx.text.indexOf('\n', ctx.manifestSpan.end) + 1
      : ctx.shebang !== null
        ? ctx.text.indexOf('\n') + 1
        : 0;
    const missing = ctx.language === 'bash' ? 'set -euo pipefail' : 'set -eu';
    return [
      {
        message: `no errexit and no explicit checks: failed steps are ignored; add "${missing}" at the top`,
        start: first?.start ?? 0,
        end: first?.end ?? 0,
        fix:
          insertAt > 0 || ctx.shebang === null
            ? {
                description: `insert ${missing}`,
                safe: false,
                edits: [{ start: insertAt, end: insertAt, text: `${missing}\n` }],
              }
            : undefined,
      },
    ].map((f) => (f.fix ? f : { message: f.message, start: f.start, end: f.end }));
  },
};
