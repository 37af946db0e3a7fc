import type { RawFinding, Rule } from '../types';
import { entropy } from './util';

// gitleaks v8 aws-access-token
const KEY = /\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/g;

export const SCR001: Rule = {
  id: 'SCR001',
  name: 'aws-access-key',
  group: 'SCR',
  severity: 'error',
  summary: 'AWS access key id in the runbook (gitleaks-compatible, entropy >= 3)',
  explain: `An AWS access key id next to its secret gives whoever reads the repository the rights of that IAM user.
Runbooks are copied, shared and pasted into tickets.

Remove the key, rotate it in IAM now, and let the host's instance role (or a credentials file readable only by
the agent's user) provide credentials.`,
  fix: 'none',
  languages: 'all',
  check(ctx) {
    const out: RawFinding[] = [];
    KEY.lastIndex = 0;
    for (let m = KEY.exec(ctx.text); m; m = KEY.exec(ctx.text)) {
      const key = m[1]!;
      if (key.endsWith('EXAMPLE') || entropy(key) < 3) continue;
      out.push({
        message: `AWS access key id ${key.slice(0, 4)}… in the runbook: remove it and rotate it`,
        start: m.index,
        end: m.index + key.length,
      });
    }
    return out;
  },
};
