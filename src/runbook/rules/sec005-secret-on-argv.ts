import type { RawFinding, Rule } from '../types';
import { at } from './util';

const SECRET_FLAG =
  /^--?(password|passwd|pass|token|api-?key|apikey|secret|client-secret|access-key|secret-key|auth-token)(=(.+))?$/i;
const PASSWORD_ATTACHED = new Set(['mysql', 'mysqladmin', 'mysqldump']);

/** A secret on the command line is readable by every user on the host (ps, /proc/<pid>/cmdline) and lands in audit logs. */
export const SEC005: Rule = {
  id: 'SEC005',
  name: 'secret-on-argv',
  group: 'SEC',
  severity: 'warning',
  summary: 'Password or token in argv shows in ps, /proc and audit logs',
  explain: `Command lines are public on a Linux host: any user can read them with ps or /proc/<pid>/cmdline, and
auditd and process accounting record them.

    mysql -u root -p"$DB_PASS" -e 'show processlist'     # use MYSQL_PWD or --defaults-extra-file
    curl -u "admin:$TOKEN" https://…                      # use --netrc-file or -H @file
    redis-cli -a "$REDIS_PASSWORD" info                   # use REDISCLI_AUTH

Pass secrets through the environment, a 0600 file, or stdin.`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    for (let cmdIndex = 0; cmdIndex < ctx.shell!.commands.length; cmdIndex++) {
      const cmd = ctx.shell!.commands[cmdIndex]!;
      const name = cmd.name;
      if (!name) continue;
      for (let i = 0; i < cmd.args.length; i++) {
        const w = cmd.args[i]!;
        const text = w.literal ?? w.text.replace(/^["']|["']$/g, '');
        const m = SECRET_FLAG.exec(text);
        if (
          m &&
          (m[3] !== undefined || (cmd.args[i + 1] && !(cmd.args[i + 1]!.literal ?? '').startsWith('-')))
        ) {
          out.push(
            at(
              w.node,
              `${name} ${text.split('=')[0]} puts a secret on the command line, visible in ps: pass it in the environment or a file`,
            ),
          );
          continue;
        }
        if (
          PASSWORD_ATTACHED.has(name) &&
          /^-p.+/.test(w.text.replace(/^["']/, '')) &&
          !w.text.startsWith('--')
        )
          out.push(
            at(
              w.node,
              `${name} -p<password> puts the password on the command line: use MYSQL_PWD or --defaults-extra-file`,
            ),
          );
        if (name === 'redis-cli' && text === '-a' && cmd.args[i + 1])
          out.push(at(w.node, 'redis-cli -a puts the password on the command line: use REDISCLI_AUTH'));
        if (name === 'sshpass' && text === '-p' && cmd.args[i + 1])
          out.push(at(w.node, 'sshpass -p puts the password on the command line: use sshpass -f or keys'));
        if (name === 'curl' && (text === '-u' || text === '--user') && cmd.args[i + 1]) {
          const cred = cmd.args[i + 1]!.text.replace(/^["']|["']$/g, '');
          if (/^[^:]*:.+/.test(cred))
            out.push(
              at(
                cmd.args[i + 1]!.node,
                'curl -u user:password puts the password on the command line: use --netrc-file',
              ),
            );
        }
        if (
          (name === 'curl' || name === 'wget') &&
          (text === '-H' || text === '--header') &&
          cmd.args[i + 1]
        ) {
          const header = cmd.args[i + 1]!.text;
          if (/authorization:|x-api-key:|private-token:/i.test(header) && header.includes('$'))
            out.push(
              at(
                cmd.args[i + 1]!.node,
                `${name} ${text} with a credential puts it on the command line: read the header from a file (-H @file)`,
              ),
            );
        }
      }
    }
    return out;
  },
};
