import type { RawFinding, Rule } from '../types';

const PEM =
  /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S]{64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g;

export const SCR002: Rule = {
  id: 'SCR002',
  name: 'private-key',
  group: 'SCR',
  severity: 'error',
  summary: 'PEM private key block in the runbook',
  explain: `A private key in a runbook is a private key in every clone of the repository, every CI log and every
copy of the alert timeline. Remove it, revoke it, and install the key on the hosts that need it (mode 0600,
owned by the agent's user), or use an agent or vault.`,
  fix: 'none',
  languages: 'all',
  check(ctx) {
    const out: RawFinding[] = [];
    PEM.lastIndex = 0;
    for (let m = PEM.exec(ctx.text); m; m = PEM.exec(ctx.text)) {
      const firstLineEnd = ctx.text.indexOf('\n', m.index);
      out.push({
        message: 'private key in the runbook: remove it and revoke it',
        start: m.index,
        end: firstLineEnd === -1 ? m.index + m[0].length : firstLineEnd,
      });
    }
    return out;
  },
};
