import type { RawFinding, Rule } from '../types';
import { at, SECRET_NAME } from './util';

const PRINTERS = new Set(['echo', 'printf', 'logger']);

/** Runbook output goes to the alert timeline, where many people read it. */
export const SCR005: Rule = {
  id: 'SCR005',
  name: 'secret-to-output',
  group: 'SCR',
  severity: 'warning',
  summary: 'Secret echoed, or set -x while a secret is in scope: output goes to the alert timeline',
  explain: `Everything a runbook prints is uploaded to the alert timeline and kept. Echoing a secret, or tracing with
set -x (which prints every expanded command) while a secret is in a variable, publishes it.

Do not print secrets; turn tracing off (set +x) around commands that use them.`,
  fix: 'none',
  languages: ['bash', 'sh', 'python'],
  check(ctx) {
    const out: RawFinding[] = [];
    const shell = ctx.shell;
    if (shell) {
      const secrets = shell.assignments.filter(
        (a) => SECRET_NAME.test(a.name) && !/_(FILE|PATH|URL)$/i.test(a.name),
      );
      for (let cmdIndex = 0; cmdIndex < shell.commands.length; cmdIndex++) {
        const cmd = shell.commands[cmdIndex]!;
        if (cmd.name && PRINTERS.has(cmd.name)) {
          for (const w of cmd.args)
            for (const e of w.expansions)
              if (e.name && SECRET_NAME.test(e.name) && !/_(FILE|PATH|URL)$/i.test(e.name) && !e.length)
                out.push(at(e.node, `$${e.name} is printed: runbook output goes to the alert timeline`));
        }
        if (
          cmd.name === 'set' &&
          secrets.length > 0 &&
          cmd.args.some((w) => /^-[a-z]*x/.test(w.literal ?? '') || w.literal === 'xtrace')
        )
          out.push(
            at(
              cmd.node,
              `set -x traces every command while ${secrets[0]!.name} holds a secret: the trace goes to the alert timeline`,
            ),
          );
      }
      if (ctx.shebang && /\s-[a-z]*x/.test(ctx.shebang) && secrets.length > 0)
        out.push({
          message: `the shebang's -x traces every command while ${secrets[0]!.name} holds a secret`,
          start: 0,
          end: ctx.shebang.length + 2,
        });
    }
    const py = ctx.python;
    if (py) {
      for (const call of py.calls)
        if (call.func === 'print' && call.args.some((a) => hasSecretName(py.src(a))))
          out.push(at(call.node, 'a secret is printed: runbook output goes to the alert timeline'));
      for (const p of py.prints)
        if (hasSecretName(py.src(p).slice(5)))
          out.push(at(p, 'a secret is printed: runbook output goes to the alert timeline'));
    }
    return out;
  },
};

function hasSecretName(expr: string): boolean {
  const code = expr.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '');
  return (
    /\b\w+\b/g.test(code) &&
    (code.match(/\b\w+\b/g) ?? []).some((id) => SECRET_NAME.test(id) && !/_(file|path|url)$/i.test(id))
  );
}
