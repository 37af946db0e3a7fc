import type { RawFinding, Rule } from '../types';
import { at } from './util';

/** Shell builtins and POSIX utilities: present everywhere, never need to be in `requires`. */
const STANDARD = new Set(
  (
    'alias bg cd command false fc fg getopts hash jobs kill newgrp pwd read true umask unalias wait . : break continue eval exec exit export readonly return set shift times trap unset local ' +
    'echo printf test [ [[ sleep cat grep sed awk cut head tail sort uniq wc tr tee date env id hostname uname ls cp mv rm mkdir rmdir ln chmod chown touch find xargs basename dirname ' +
    'ps df du stat mktemp which type expr seq nice nohup timeout sh bash dd cmp diff file logger tar gzip gunzip zcat od less more tput whoami getent'
  ).split(' '),
);

export const PORT002: Rule = {
  id: 'PORT002',
  name: 'nonportable-cmd',
  group: 'PORT',
  severity: 'info',
  summary: 'egrep/fgrep, GNU-only or odd options; a command not in the manifest requires',
  explain: `egrep and fgrep are deprecated (GNU grep 3.8 warns on every call, which lands in the output); "ping host:port"
and "top -mem" do not do what they seem. And a runbook that needs curl, jq or the aws CLI should say so in the
manifest's "requires", so a host without them is refused up front rather than failing half-way. The fix
rewrites egrep/fgrep to grep -E/-F.`,
  fix: 'safe',
  languages: ['bash', 'sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    const requires = ctx.manifest?.requires;
    const guarded = new Set<string>();
    const seen = new Set<string>();
    const functions = new Set<string>();
    for (const n of ctx.shell!.statements)
      if (n.type === 'function_definition') {
        const name = n.children.find((c) => c.field === 'name');
        if (name) functions.add(ctx.text.slice(name.start, name.end));
      }
    for (let cmdIndex = 0; cmdIndex < ctx.shell!.commands.length; cmdIndex++) {
      const cmd = ctx.shell!.commands[cmdIndex]!;
      const name = cmd.name;
      if (!name) continue;
      if (
        (name === 'command' && cmd.args[0]?.literal === '-v') ||
        name === 'which' ||
        name === 'type' ||
        name === 'hash'
      )
        for (const w of cmd.args) if (w.literal && !w.literal.startsWith('-')) guarded.add(w.literal);
      if ((name === 'egrep' || name === 'fgrep') && cmd.nameWord) {
        const f = at(cmd.nameWord.node, `${name} is deprecated: use grep -${name === 'egrep' ? 'E' : 'F'}`);
        if (cmd.nameWord.literal === name)
          f.fix = {
            description: `use grep -${name === 'egrep' ? 'E' : 'F'}`,
            safe: true,
            edits: [
              {
                start: cmd.nameWord.node.start,
                end: cmd.nameWord.node.end,
                text: `grep -${name === 'egrep' ? 'E' : 'F'}`,
              },
            ],
          };
        out.push(f);
      }
      if (name === 'ping' && cmd.args.some((w) => /:\d+$/.test(w.literal ?? '')))
        out.push(at(cmd.node, 'ping takes no port: host:port is looked up as a host name'));
      if (name === 'top' && cmd.args.some((w) => w.literal === '-mem'))
        out.push(at(cmd.node, 'top -mem is not an option of procps top: use ps --sort=-rss'));
      if (name === 'du' && cmd.args.some((w) => w.literal === '--time'))
        out.push(at(cmd.node, 'du --time is GNU-only'));
      if (
        requires &&
        cmd.nameWord &&
        !STANDARD.has(name) &&
        !functions.has(name) &&
        !requires.includes(name) &&
        !guarded.has(name) &&
        !seen.has(name) &&
        !cmd.nameWord.literal?.startsWith('./')
      ) {
        seen.add(name);
        out.push(
          at(
            cmd.nameWord.node,
            `${name} is not a standard utility and not listed in the manifest's requires`,
          ),
        );
      }
    }
    return out;
  },
};
