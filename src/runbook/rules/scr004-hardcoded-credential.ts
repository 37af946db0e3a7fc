import type { RawFinding, Rule, Severity } from '../types';
import { entropy, SECRET_NAME } from './util';

const NOT_A_SECRET_NAME = /(_FILE|_PATH|_URL|_ENV|_NAME|_VAR|_DIR|_ID|_LEN|_LENGTH|_HEADER|_TYPE|_FIELD)$/i;
const NOT_A_SECRET_VALUE = /^(true|false|none|null|yes|no|[0-9]+|\/.*|\.\/.*|~\/.*)$/i;
const KEY_VALUE =
  /["']([\w-]*(?:password|passwd|secret|token|api_?key|apikey)[\w-]*)["']\s*[:=]\s*["']([^"'$\s{}<>`]{4,})["']/gi;

function severityOf(value: string): Severity {
  return value.length >= 10 && entropy(value) >= 3 ? 'error' : 'warning';
}

/** A literal credential in a runbook lives forever in git history. */
export const SCR004: Rule = {
  id: 'SCR004',
  name: 'hardcoded-credential',
  group: 'SCR',
  severity: 'error',
  summary: 'Literal assigned to a secret-like name or JSON key (error if high entropy, else warning)',
  explain: `A password, token or key written into the runbook is readable by everyone with the repository and stays in
its history after it is removed. It is an error when the value looks random (high entropy), a warning otherwise.

    DB_PASSWORD='s3cr3t-Pa55'                 # read it: DB_PASSWORD=$(cat /etc/neptune/db.pass)
    payload='{"api_key": "9f8e7d6c5b4a"}'

Read secrets at run time from the environment or a 0600 file, and rotate the one that was committed.`,
  fix: 'none',
  languages: 'all',
  check(ctx) {
    const out: RawFinding[] = [];
    const report = (name: string, value: string, start: number, end: number) => {
      if (
        !SECRET_NAME.test(name) ||
        NOT_A_SECRET_NAME.test(name) ||
        NOT_A_SECRET_VALUE.test(value) ||
        value.length < 4
      )
        return;
      out.push({
        message: `${name} is set to a literal credential: read it at run time from the environment or a 0600 file`,
        start,
        end,
        severity: severityOf(value),
      });
    };
    if (ctx.shell) {
      for (let aIndex = 0; aIndex < ctx.shell.assignments.length; aIndex++) {
        const a = ctx.shell.assignments[aIndex]!;
        if (!a.value || a.node.type !== 'variable_assignment') continue;
        const lit =
          a.value.type === 'word' || a.value.type === 'raw_string' || a.value.type === 'string'
            ? literal(ctx.text.slice(a.value.start, a.value.end))
            : null;
        if (lit !== null) report(a.name, lit, a.node.start, a.node.end);
      }
    }
    if (ctx.python) {
      for (const a of ctx.python.assignments)
        if (a.value.type === 'string' && !a.value.children.some((c) => c.type === 'interpolation'))
          report(
            a.name,
            literal(ctx.python.src(a.value).replace(/^[rbuRBU]+/, '')) ?? '',
            a.node.start,
            a.node.end,
          );
    }
    KEY_VALUE.lastIndex = 0;
    for (let m = KEY_VALUE.exec(ctx.text); m; m = KEY_VALUE.exec(ctx.text))
      report(m[1]!, m[2]!, m.index, m.index + m[0].length);
    return out;
  },
};

function literal(text: string): string | null {
  if (text.includes('$') || text.includes('`')) return null;
  return text.replace(/^(['"])([\s\S]*)\1$/, '$2');
}
