import type { RawFinding, Rule } from '../types';
import { keySpan } from './meta-util';

export const META006: Rule = {
  id: 'META006',
  name: 'param-unvalidated',
  group: 'META',
  severity: 'warning',
  summary: 'Param without pattern, enum or maxLength',
  explain: `A param without a constraint accepts anything the alert sends: spaces, globs, option-like "-rf", shell
metacharacters, megabytes. Give each one a pattern (e.g. '^[a-z0-9-]{1,63}$'), an enum, or at least a
maxLength; the agent rejects values that do not match before the runbook starts.`,
  fix: 'none',
  languages: 'all',
  check(ctx) {
    const out: RawFinding[] = [];
    for (const [name, spec] of Object.entries(ctx.manifest?.params ?? {}))
      if (!spec || (spec.pattern === undefined && spec.enum === undefined && spec.maxLength === undefined))
        out.push({
          message: `param ${name} has no pattern, enum or maxLength: any alert value is accepted`,
          ...keySpan(ctx, name),
        });
    return out;
  },
};
