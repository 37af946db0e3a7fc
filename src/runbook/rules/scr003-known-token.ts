import type { RawFinding, Rule } from '../types';

const TOKENS: [string, RegExp][] = [
  ['GitHub token', /\b(?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{36}\b/g],
  ['GitHub fine-grained token', /\bgithub_pat_[0-9A-Za-z_]{82}\b/g],
  ['Slack token', /\bxox[baprs]-[0-9A-Za-z-]{10,}/g],
  ['Slack webhook', /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/g],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/g],
  ['Stripe live key', /\b(?:sk|rk)_live_[0-9A-Za-z]{24,}\b/g],
  ['JSON web token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g],
  ['password in a URL', /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"$`]+:[^\s@/'"$`{}<>]+@/g],
];

export const SCR003: Rule = {
  id: 'SCR003',
  name: 'known-token',
  group: 'SCR',
  severity: 'error',
  summary: 'GitHub, Slack (token or webhook), Google, Stripe token, JWT, or user:password@ in a URL',
  explain: `Tokens of well-known services have recognisable shapes; one in a runbook is a live credential in every
clone of the repository. Remove it, revoke it at the service, and read it at run time from the environment
or a 0600 file. For URLs, keep the password out of the URL (netrc, a header read from a file).`,
  fix: 'none',
  languages: 'all',
  check(ctx) {
    const out: RawFinding[] = [];
    for (const [label, re] of TOKENS) {
      re.lastIndex = 0;
      for (let m = re.exec(ctx.text); m; m = re.exec(ctx.text))
        out.push({
          message: `${label} in the runbook: remove it, revoke it and read it at run time`,
          start: m.index,
          end: m.index + m[0].length,
        });
    }
    return out;
  },
};
