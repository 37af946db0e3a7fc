import type { Rule } from '../types';
import { manifestHead } from './meta-util';

export const META001: Rule = {
  id: 'META001',
  name: 'manifest-missing',
  group: 'META',
  severity: 'warning',
  summary: 'No manifest: timeout, privileges and params cannot be enforced (error in production)',
  explain: `The manifest says what the runbook may do: how long it may run, which sudo commands it needs, which alert
values it reads and how they are validated, where it may run and how often. Without one, the agent and the
linter can only guess.

Add a "# neptune:" block after the shebang (see "neptune runbook new" for a skeleton), or a sidecar
<file>.neptune.yaml.`,
  fix: 'none',
  languages: 'all',
  check(ctx) {
    if (ctx.manifest || ctx.manifestProblems.length > 0) return [];
    return [
      {
        message:
          'no manifest: add a "# neptune:" block after the shebang (name, description, mode, timeout…)',
        ...manifestHead(ctx),
      },
    ];
  },
};
