import { durationSeconds } from '../manifest';
import type { SNode } from '../syntax';
import type { RawFinding, Rule } from '../types';

/** The original agent's default runbook timeout: 2 minutes. */
export const DEFAULT_TIMEOUT_SECONDS = 120;

function sleepSeconds(arg: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg);
  if (!m) return null;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** How many times a loop body runs, when it is a literal list or {1..N} or $(seq N); else 1. */
function loopFactor(node: SNode, text: string): number {
  let factor = 1;
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    const values = p.children.filter((c) => c.field === 'value');
    const t = values.map((v) => text.slice(v.start, v.end)).join(' ');
    const range = /^\{(\d+)\.\.(\d+)\}$/.exec(t) ?? /^\$\(seq (?:(\d+) )?(\d+)\)$/.exec(t);
    if (range) factor *= Math.abs(Number(range[2]) - Number(range[1] ?? 1)) + 1;
    else if (values.length > 0 && values.every((v) => v.type === 'word' || v.type === 'number'))
      factor *= values.length;
  }
  return factor;
}

export const SAF007: Rule = {
  id: 'SAF007',
  name: 'sleep-vs-timeout',
  group: 'SAF',
  severity: 'error',
  summary: 'Literal sleeps add up to more than the timeout (error) or more than half of it (warning)',
  explain: `The agent kills a runbook at its timeout (the manifest's, or 2 minutes), in the middle of whatever it was
doing. Sleeps that add up to more than the timeout guarantee that; more than half leaves no room for the work.
One finding per runbook: an error where the sleeps pass the timeout, else a warning where they pass half of it.

Shorten the waits, poll with a bounded loop, or raise the timeout in the manifest.`,
  fix: 'none',
  languages: ['bash', 'sh', 'python'],
  check(ctx) {
    const timeout = durationSeconds(ctx.manifest?.timeout) ?? DEFAULT_TIMEOUT_SECONDS;
    if (timeout <= 0) return [];
    const sleeps: { node: SNode; seconds: number }[] = [];
    if (ctx.shell)
      for (let cmdIndex = 0; cmdIndex < ctx.shell.commands.length; cmdIndex++) {
        const cmd = ctx.shell.commands[cmdIndex]!;
        if (cmd.name !== 'sleep') continue;
        const s = cmd.args.reduce((sum, w) => sum + (sleepSeconds(w.literal ?? '') ?? 0), 0);
        if (s > 0) sleeps.push({ node: cmd.node, seconds: s * loopFactor(cmd.node, ctx.text) });
      }
    if (ctx.python)
      for (const call of ctx.python.calls)
        if (
          (/^(time\.)?sleep$/.test(call.func) && call.args[0]?.type === 'integer') ||
          (/^(time\.)?sleep$/.test(call.func) && call.args[0]?.type === 'float')
        )
          sleeps.push({
            node: call.node,
            seconds: Number(ctx.python.src(call.args[0]!)) * loopFactor(call.node, ctx.text),
          });
    // one finding for one chain of sleeps (issue 27): the error where the total passes the timeout, else the
    // warning where it passes half of it
    let total = 0;
    let half: { node: SNode; total: number } | null = null;
    for (let sIndex = 0; sIndex < sleeps.length; sIndex++) {
      const s = sleeps[sIndex]!;
      total += s.seconds;
      if (total > timeout)
        return [
          {
            message: `sleeps add up to ${total}s, more than the ${timeout}s timeout: the agent kills the runbook here`,
            start: s.node.start,
            end: s.node.end,
            severity: 'error',
          },
        ];
      if (!half && total > timeout / 2) half = { node: s.node, total };
    }
    const out: RawFinding[] = [];
    if (half)
      out.push({
        message: `sleeps add up to ${half.total}s, more than half of the ${timeout}s timeout`,
        start: half.node.start,
        end: half.node.end,
        severity: 'warning',
      });
    return out;
  },
};
