import type { Command } from '../shell/model';
import type { RawFinding, Rule } from '../types';
import { at, hasFlag, subcommand } from './util';

function stdinProvided(cmd: Command): boolean {
  if (cmd.pipeline && cmd.pipeIndex > 0) return true;
  if (
    cmd.redirects.some(
      (r) =>
        r.type === 'herestring_redirect' ||
        r.type === 'heredoc_redirect' ||
        (r.type === 'file_redirect' && /^\s*\d*</.test(r.children[0]?.type ?? '')),
    )
  )
    return true;
  // while read …; done < file, or … | while read
  for (let p = cmd.node.parent; p; p = p.parent) {
    if (p.type === 'redirected_statement' && p.children.some((c) => c.field === 'redirect')) return true;
    if (p.type === 'pipeline') return true;
  }
  return false;
}

/** Nobody answers a prompt at 3 a.m.: a blocking command hangs until the timeout kills the runbook. */
export const SAF008: Rule = {
  id: 'SAF008',
  name: 'blocking-command',
  group: 'SAF',
  severity: 'warning',
  summary: 'top without -b, read without -t, ssh without BatchMode, sudo without -n, tail -f',
  explain: `A runbook has no terminal and nobody to answer. Interactive or endless commands hang until the timeout kills
the runbook, and nothing after them runs:

    top              -> top -b -n 1
    read answer      -> read -t 10 answer (or do not ask)
    ssh host cmd     -> ssh -o BatchMode=yes -o ConnectTimeout=10 host cmd
    sudo cmd         -> sudo -n cmd (fails instead of asking for a password)
    tail -f log      -> tail -n 200 log

--fix-unsafe adds -n to sudo and -b -n 1 to top.`,
  fix: 'unsafe',
  languages: ['bash', 'sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    for (let cmdIndex = 0; cmdIndex < ctx.shell!.commands.length; cmdIndex++) {
      const cmd = ctx.shell!.commands[cmdIndex]!;
      const sudo = cmd.wrappers.find((w) => w.name === 'sudo');
      if (sudo && !sudo.options.some((o) => /^-[a-zA-Z]*n[a-zA-Z]*$/.test(o) || o === '--non-interactive')) {
        const word = cmd.argv.find((w) => w.literal === 'sudo' || w.literal?.endsWith('/sudo'));
        const f = at(cmd.node, 'sudo without -n waits for a password nobody will type: use sudo -n');
        if (word)
          f.fix = {
            description: 'add -n to sudo',
            safe: false,
            edits: [{ start: word.node.end, end: word.node.end, text: ' -n' }],
          };
        out.push(f);
      }
      const name = cmd.name;
      if (!name) continue;
      if (name === 'top' && !hasFlag(cmd, '-b')) {
        const f = at(cmd.node, 'top without -b waits for a terminal: use top -b -n 1');
        if (cmd.nameWord)
          f.fix = {
            description: 'run top in batch mode',
            safe: false,
            edits: [{ start: cmd.nameWord.node.end, end: cmd.nameWord.node.end, text: ' -b -n 1' }],
          };
        out.push(f);
      }
      if (name === 'read' && !hasFlag(cmd, '-t') && !stdinProvided(cmd))
        out.push(at(cmd.node, 'read without -t waits for input nobody will type'));
      if (name === 'ssh' && !cmd.args.some((w) => /BatchMode=yes/i.test(w.text)))
        out.push(at(cmd.node, 'ssh without -o BatchMode=yes can stop at a password or host-key prompt'));
      if (
        (name === 'tail' && hasFlag(cmd, '-f', '-F', '--follow')) ||
        (name === 'journalctl' && hasFlag(cmd, '-f', '--follow'))
      )
        out.push(at(cmd.node, `${name} -f never ends: read the last lines with -n instead`));
      if (
        (name === 'docker' || name === 'kubectl') &&
        subcommand(cmd, 0) === 'logs' &&
        hasFlag(cmd, '-f', '--follow')
      )
        out.push(at(cmd.node, `${name} logs -f never ends: use --tail`));
      if (name === 'heroku' && /^logs$/.test(subcommand(cmd, 0) ?? '') && hasFlag(cmd, '-t', '--tail'))
        out.push(at(cmd.node, 'heroku logs --tail never ends: use -n'));
      if (
        /^(watch|less|more|vi|vim|nano|emacs)$/.test(name) &&
        !(cmd.pipeline && cmd.pipeIndex > 0 && name !== 'watch')
      )
        out.push(at(cmd.node, `${name} is interactive: it waits for a terminal nobody sees`));
      if (name === 'ping' && !hasFlag(cmd, '-c', '-w'))
        out.push(at(cmd.node, 'ping without -c never ends: use ping -c 3'));
    }
    return out;
  },
};
