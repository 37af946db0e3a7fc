import type { RawFinding, Rule } from '../types';
import { at, changesState } from './util';

export const META008: Rule = {
  id: 'META008',
  name: 'mode-mismatch',
  group: 'META',
  severity: 'error',
  summary: 'mode: diagnose but the script restarts, kills, deletes, scales or stops',
  explain: `"mode: diagnose" promises a read-only runbook: it may run on more hosts, with looser approval. A diagnose
runbook that restarts, kills, deletes, scales or stops breaks that promise. Split it, or declare
"mode: remediate".`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    if (ctx.manifest?.mode !== 'diagnose') return [];
    const out: RawFinding[] = [];
    for (const cmd of ctx.shell!.commands)
      if (changesState(cmd))
        out.push(
          at(
            cmd.node,
            `mode is diagnose but ${cmd.name} changes state: declare mode: remediate or move it to a remediation runbook`,
          ),
        );
    return out;
  },
};
