import { paramEnvName } from '../manifest';
import type { RawFinding, Rule } from '../types';
import { keyBlock, keySpan } from './meta-util';

/** Alert values the runbook reads, by variable name, with the first place each is read. */
export function inputsRead(ctx: import('../types').RuleContext): Map<string, { start: number; end: number }> {
  const prefix = ctx.settings.paramPrefix;
  const reads = new Map<string, { start: number; end: number }>();
  if (ctx.shell)
    for (const e of ctx.shell.expansions)
      if (e.name?.startsWith(prefix) && !reads.has(e.name)) reads.set(e.name, e.node);
  if (ctx.python)
    for (const r of ctx.python.envReads)
      if (r.name?.startsWith(prefix) && !reads.has(r.name)) reads.set(r.name, r.node);
  return reads;
}

export const META005: Rule = {
  id: 'META005',
  name: 'param-mismatch',
  group: 'META',
  severity: 'error',
  summary: 'Alert input read but not declared in params (error), or declared but unused (info)',
  explain: `Every alert value a runbook reads must be declared under "params" so it can be validated (pattern, enum,
maxLength) before the runbook runs. A param "host" arrives as $NP_HOST; a name that already starts with NP_ is
used as is. A declared param nothing reads is noise; the fix removes it from an inline manifest.`,
  fix: 'safe',
  languages: ['bash', 'sh', 'python'],
  check(ctx) {
    const out: RawFinding[] = [];
    const prefix = ctx.settings.paramPrefix;
    const declared = new Map(
      Object.keys(ctx.manifest?.params ?? {}).map((p) => [paramEnvName(p, prefix), p]),
    );
    const reads = inputsRead(ctx);
    for (const [name, where] of reads)
      if (!declared.has(name))
        out.push({
          message: `$${name} is read but not declared: add it under "params:" with a pattern or enum`,
          ...where,
        });
    const unused = [...declared].filter(([env]) => !reads.has(env));
    const all = unused.length === declared.size;
    for (const [env, param] of unused) {
      const block = all ? keyBlock(ctx, 'params') : keyBlock(ctx, param, 'params');
      out.push({
        message: `param ${param} ($${env}) is declared but never read`,
        severity: 'info',
        ...keySpan(ctx, param),
        ...(block
          ? {
              fix: {
                description: all ? 'remove the unused params' : `remove param ${param}`,
                safe: true,
                edits: [{ start: block.start, end: block.end, text: '' }],
              },
            }
          : {}),
      });
    }
    return out;
  },
};
