import type { Rule, RuleContext } from '../types';
import { manifestHead } from './meta-util';
import { changesState } from './util';

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
<file>.neptune.yaml. The fix inserts a skeleton (name from the file name, mode from what the script does,
timeout 2m) for you to complete.`,
  fix: 'safe',
  languages: 'all',
  check(ctx) {
    if (ctx.manifest || ctx.manifestProblems.length > 0) return [];
    return [
      {
        message:
          'no manifest: add a "# neptune:" block after the shebang (name, description, mode, timeout…)',
        ...manifestHead(ctx),
        fix: skeletonFix(ctx),
      },
    ];
  },
};

function skeletonFix(ctx: RuleContext) {
  const base = ctx.file.slice(ctx.file.lastIndexOf('/') + 1).replace(/\.[A-Za-z0-9]+$/, '');
  const name =
    base
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 64) || 'runbook';
  const mode = ctx.shell?.commands.some(changesState) ? 'remediate' : 'diagnose';
  const block = `# neptune:\n#   name: ${name}\n#   description: ${name} (describe what it does)\n#   mode: ${mode}\n#   timeout: 2m\n`;
  const at = ctx.shebang === null ? 0 : ctx.text.indexOf('\n') + 1 || ctx.text.length;
  const text = at === ctx.text.length && !ctx.text.endsWith('\n') ? `\n${block}` : block;
  return { description: 'insert a manifest skeleton', safe: true, edits: [{ start: at, end: at, text }] };
}
