import type { Rule } from '../types';
import { manifestHead } from './meta-util';

export const META002: Rule = {
  id: 'META002',
  name: 'manifest-invalid',
  group: 'META',
  severity: 'error',
  summary: 'Manifest is not valid YAML, has an unknown key or a wrong type, or lacks name/description/mode',
  explain: `A manifest the agent cannot read is a runbook with no limits. Keys are checked against the published schema
("neptune runbook lint --print-schema"): name, description, mode (diagnose|remediate) and timeout are
required; unknown keys are errors, so a typo ("timout") does not silently drop a limit. A key of the wrong shape (e.g. "sudo:" given a string, not a
list) is reported here, once; every other rule treats it as absent.`,
  fix: 'none',
  languages: 'all',
  check(ctx) {
    return ctx.manifestProblems
      .filter((p) => p.missingKey !== 'timeout')
      .map((p) => ({
        message: p.message,
        ...(p.end > p.start ? { start: p.start, end: p.end } : manifestHead(ctx)),
      }));
  },
};
