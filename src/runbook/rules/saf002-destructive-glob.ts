import type { RawFinding, Rule } from '../types';
import { at, hasFlag } from './util';

const DANGEROUS = new Set([
  '/',
  '/*',
  '~',
  '~/',
  '~/*',
  '*',
  '.*',
  './*',
  '$HOME',
  '${HOME}',
  '"$HOME"',
  '"${HOME}"',
  '$HOME/*',
  '"$HOME"/*',
  '/.*',
  '..',
  '../*',
]);

/** Recursive deletes or permission changes on /, ~ or a bare glob destroy the host. */
export const SAF002: Rule = {
  id: 'SAF002',
  name: 'destructive-glob',
  group: 'SAF',
  severity: 'error',
  summary: 'Destructive command on /, /*, ~, a bare glob, or tar -f <glob>',
  explain: `rm, chmod -R, chown -R or find -delete on "/", "/*", "~" or a bare "*" act on everything the runbook's user
can reach, from whatever directory the agent happens to start it in. "tar -cf *.tar …" lets the glob pick the
archive name and overwrite a file.

Name the exact directory (absolute path, checked to exist), never a bare glob.`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    for (let cmdIndex = 0; cmdIndex < ctx.shell!.commands.length; cmdIndex++) {
      const cmd = ctx.shell!.commands[cmdIndex]!;
      const name = cmd.name;
      const destructive =
        name === 'rm' ||
        name === 'shred' ||
        ((name === 'chmod' || name === 'chown' || name === 'chgrp') && hasFlag(cmd, '-R', '--recursive')) ||
        (name === 'find' && cmd.args.some((w) => w.literal === '-delete'));
      if (destructive) {
        for (let wIndex = 0; wIndex < cmd.args.length; wIndex++) {
          const w = cmd.args[wIndex]!;
          const t = w.text;
          if (DANGEROUS.has(t) || (w.node.type === 'word' && /^\*[^/]*$/.test(t) && name === 'rm'))
            out.push(at(w.node, `${name} on ${t}: name the exact path instead`));
        }
      }
      if (name === 'tar') {
        for (let i = 0; i < cmd.args.length; i++) {
          const a = cmd.args[i]!.literal ?? '';
          const isF =
            a === '-f' || a === '--file' || (/^-?[a-zA-Z]*f$/.test(a) && i === 0) || /^-[a-zA-Z]*f$/.test(a);
          const next = cmd.args[i + 1];
          if (
            isF &&
            next &&
            next.node.type !== 'string' &&
            next.node.type !== 'raw_string' &&
            /[*?]/.test(next.text)
          )
            out.push(at(next.node, `tar -f ${next.text}: a glob picks the archive name; name the file`));
        }
      }
    }
    return out;
  },
};
