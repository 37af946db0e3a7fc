import type { RawFinding, Rule } from '../types';
import { commentSpans, inSpans } from './util';

const PLACEHOLDERS =
  /<[A-Za-z][\w .-]*>|\b\w*_here\b|\b\w*_HERE\b|\b[Xx]{3,}\b|\bCHANGEME\b|\bchangeme\b|\bREPLACE_?ME\b|\bYOUR_[A-Z_]+\b/g;

/** What every PLACEHOLDERS match contains: one cheap scan rules most files out before the full pattern runs. */
const MAYBE_PLACEHOLDER = /<[A-Za-z]|_here|_HERE|[Xx]{3}|CHANGEME|changeme|REPLACE|YOUR_/;

/** A template value left in: the runbook acts on a literal "<app_name>", or the shell reads it as a redirection. */
export const ROB003: Rule = {
  id: 'ROB003',
  name: 'placeholder',
  group: 'ROB',
  severity: 'error',
  summary: 'Template placeholder (<…>, *_here, xxx, CHANGEME) left in code',
  explain: `Community runbooks are templates: "heroku restart -a <app_name>" or "API_KEY=key_here". Left in, the shell
reads "<app_name>" as input redirection from a file called app_name, and literal values like "xxx" are sent
to real APIs.

Replace the placeholder with a declared param (NP_*) validated in the manifest, or a real value.`,
  fix: 'none',
  languages: 'all',
  check(ctx) {
    const out: RawFinding[] = [];
    if (!MAYBE_PLACEHOLDER.test(ctx.text)) return out;
    const comments = commentSpans(ctx);
    PLACEHOLDERS.lastIndex = 0;
    for (let m = PLACEHOLDERS.exec(ctx.text); m; m = PLACEHOLDERS.exec(ctx.text)) {
      if (inSpans(m.index, comments)) continue;
      if (ctx.shebang !== null && m.index < ctx.shebang.length + 2) continue;
      // <<EOF, <(…), 2>&1 are shell syntax, not placeholders
      if (m[0].startsWith('<') && (ctx.text[m.index - 1] === '<' || /^<\d*$/.test(m[0]))) continue;
      out.push({
        message: `placeholder ${m[0]} left in the runbook: replace it with a declared param or a real value`,
        start: m.index,
        end: m.index + m[0].length,
      });
    }
    return out;
  },
};
