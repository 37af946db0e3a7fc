import type { RawFinding, Rule } from '../types';
import { at } from './util';

/** The exit status is how the agent (and the alert timeline) learns whether the runbook worked. */
export const ROB008: Rule = {
  id: 'ROB008',
  name: 'exit-status-masked',
  group: 'ROB',
  severity: 'warning',
  summary: 'Trailing echo $?, || true, or a pipe into tail/head without pipefail',
  explain: `The agent reports the runbook's exit status. "cmd; echo $?" prints the failure and exits 0; "cmd || true"
hides it; "cmd | tail -n 20" exits with tail's status, so cmd's failure is lost unless pipefail is set.

Let the failing command's status through: drop "|| true" (or handle the error), use "set -o pipefail" in
bash, and end with a check whose status means something.`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const shell = ctx.shell!;
    const out: RawFinding[] = [];
    const last = shell.statements[shell.statements.length - 1];
    for (let cmdIndex = 0; cmdIndex < shell.commands.length; cmdIndex++) {
      const cmd = shell.commands[cmdIndex]!;
      if (cmd.orElse !== null && /^(true|:)$/.test(cmd.orElse.trim()))
        out.push(
          at(
            cmd.node.parent ?? cmd.node,
            `"|| ${cmd.orElse.trim()}" hides the failure of ${cmd.name ?? 'the command'}: handle the error instead`,
          ),
        );
      if (
        cmd.name === 'echo' &&
        last &&
        cmd.node.start >= last.start &&
        cmd.node.end <= last.end &&
        cmd.args.length === 1 &&
        cmd.args[0]!.text === '$?'
      )
        out.push(
          at(
            cmd.node,
            'a trailing "echo $?" makes the runbook exit 0 whatever happened: exit with the status instead',
          ),
        );
      if (
        cmd.pipeline &&
        cmd.pipeIndex === cmd.pipeline.length - 1 &&
        cmd.pipeIndex > 0 &&
        /^(tail|head|tee)$/.test(cmd.name ?? '')
      ) {
        const pipefail = shell.strict.pipefail >= 0 && shell.strict.pipefail < cmd.node.start;
        const matters =
          (shell.strict.errexit >= 0 && shell.strict.errexit < cmd.node.start) ||
          cmd.inCondition ||
          (last && cmd.node.start >= last.start && cmd.node.end <= last.end);
        if (!pipefail && matters && !cmd.inSubstitution)
          out.push(
            at(
              cmd.node,
              `the pipeline's status is ${cmd.name}'s, so a failure before it is lost: set -o pipefail (bash) or check the first command`,
            ),
          );
      }
    }
    return out;
  },
};
