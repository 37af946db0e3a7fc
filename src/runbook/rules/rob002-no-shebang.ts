import type { Rule } from '../types';

/** The agent runs a file without a shebang with /bin/sh, which is dash on Debian and Ubuntu. */
export const ROB002: Rule = {
  id: 'ROB002',
  name: 'no-shebang',
  group: 'ROB',
  severity: 'warning',
  summary: 'No shebang: the agent falls back to /bin/sh; bashisms break under dash',
  explain: `Without a "#!" line the agent runs the runbook with /bin/sh. On Debian and Ubuntu that is dash, where
[[ ]], arrays and == fail, often silently skipping the branch that fixes things. A Python runbook without a
shebang is not run by Python at all.

Start every runbook with its interpreter: #!/bin/sh, #!/bin/bash, #!/usr/bin/env python3. The fix inserts
#!/bin/sh (what the agent already uses) or #!/usr/bin/env python3 for Python files.`,
  fix: 'safe',
  languages: 'all',
  check(ctx) {
    if (ctx.shebang !== null) return [];
    const line =
      ctx.language === 'python'
        ? '#!/usr/bin/env python3'
        : ctx.language === 'pwsh'
          ? '#!/usr/bin/env pwsh'
          : ctx.language === 'bash'
            ? '#!/bin/bash'
            : '#!/bin/sh';
    const firstEnd = ctx.text.indexOf('\n');
    return [
      {
        message: `no shebang: the agent runs this with /bin/sh; start it with ${line}`,
        start: 0,
        end: firstEnd === -1 ? ctx.text.length : firstEnd,
        fix: { description: `insert ${line}`, safe: true, edits: [{ start: 0, end: 0, text: `${line}\n` }] },
      },
    ];
  },
};
