import type { RawFinding, Rule } from '../types';
import { at, hasExpansion } from './util';

const SHELLS = /^(sh|bash|dash|zsh|ksh|ash)$/;

/** sudo around a shell runs a built string as root: the sudoers allow-list cannot tell what it will do. */
export const SEC006: Rule = {
  id: 'SEC006',
  name: 'privileged-shell-wrap',
  group: 'SEC',
  severity: 'warning',
  summary: 'sudo sh -c "$x", sudo -s/-i, su -c, sudo -E: root on built strings or the caller environment',
  explain: `"sudo sh -c" turns a string into root commands; no sudo allow-list can say which. "sudo -s" and "sudo -i"
open a root shell; "sudo -E" hands the caller's environment (PATH, LD_PRELOAD-adjacent variables, NP_* values)
to root. It is an error when the string contains an expansion, a warning otherwise.

    sudo sh -c "echo $LEVEL > /proc/sys/vm/drop_caches"    # echo "$LEVEL" | sudo tee /proc/sys/vm/drop_caches

Run the one command that needs root with sudo, with fixed arguments, and list it in the manifest's sudo.`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    for (let cmdIndex = 0; cmdIndex < ctx.shell!.commands.length; cmdIndex++) {
      const cmd = ctx.shell!.commands[cmdIndex]!;
      const sudo = cmd.wrappers.find((w) => w.name === 'sudo' || w.name === 'doas');
      if (sudo) {
        if (cmd.name && SHELLS.test(cmd.name)) {
          const c = cmd.args.findIndex((w) => w.literal === '-c');
          const script = c === -1 ? undefined : cmd.args[c + 1];
          if (script && hasExpansion(script))
            out.push(at(cmd.node, `${sudo.name} ${cmd.name} -c runs a built string as root`, 'error'));
          else
            out.push(
              at(
                cmd.node,
                `${sudo.name} ${cmd.name} runs a shell as root: run the one command that needs root instead`,
              ),
            );
        } else if (cmd.name === 'su') {
          out.push(
            at(cmd.node, `${sudo.name} su opens a root shell: run the one command that needs root instead`),
          );
        }
        const opts = sudo.options;
        if (opts.some((o) => /^-[a-zA-Z]*[si][a-zA-Z]*$/.test(o) || o === '--shell' || o === '--login'))
          out.push(
            at(
              cmd.node,
              `${sudo.name} -s/-i opens a root shell: run the one command that needs root instead`,
            ),
          );
        if (opts.some((o) => /^-[a-zA-Z]*E[a-zA-Z]*$/.test(o) || o.startsWith('--preserve-env')))
          out.push(
            at(
              cmd.node,
              `${sudo.name} -E passes the caller's environment to root: pass only what the command needs`,
            ),
          );
      } else if (cmd.name === 'su') {
        const c = cmd.args.findIndex((w) => w.literal === '-c' || w.literal === '--command');
        const script = c === -1 ? undefined : cmd.args[c + 1];
        if (script)
          out.push(
            at(cmd.node, 'su -c runs a string as another user', hasExpansion(script) ? 'error' : 'warning'),
          );
      }
    }
    return out;
  },
};
