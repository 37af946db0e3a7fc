import type { Command } from '../shell/model';
import type { RawFinding, Rule } from '../types';
import { keySpan } from './meta-util';
import { at } from './util';

function privileged(cmd: Command): string | null {
  const w = cmd.wrappers.find((x) => x.name === 'sudo' || x.name === 'doas');
  if (w) return w.name;
  if (cmd.name === 'su' || cmd.name === 'sudo' || cmd.name === 'doas') return cmd.name;
  return null;
}

/** Does a manifest entry (a command and its leading words) cover this command line? */
function covered(entry: string, cmd: Command): boolean {
  const want = entry.trim().split(/\s+/);
  const have = [cmd.nameWord?.literal ?? '', ...cmd.args.map((w) => w.literal ?? w.text)];
  const first = want[0]!;
  if (first !== have[0] && first !== cmd.name) return false;
  return want.slice(1).every((w, i) => have[i + 1] === w);
}

export const META004: Rule = {
  id: 'META004',
  name: 'privilege-mismatch',
  group: 'META',
  severity: 'error',
  summary: 'sudo/su/doas not declared in the manifest sudo list (error), or declared but unused (warning)',
  explain: `The original agent's sudo mode was "NOPASSWD: ALL": sudo in a runbook meant unrestricted root. The manifest's
"sudo" list names the exact commands a runbook may run as root, so the agent's sudoers rules can be that
narrow. Every sudo in the script must be covered by an entry (a command, optionally with its leading
arguments); an entry nothing uses is a privilege to remove.`,
  fix: 'none',
  languages: ['bash', 'sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    const declared = ctx.manifest?.sudo ?? null;
    const used = new Set<string>();
    for (const cmd of ctx.shell!.commands) {
      const how = privileged(cmd);
      if (!how) continue;
      if (how === 'su' || cmd.name === null || cmd.name === 'su') {
        out.push(
          at(cmd.node, `${how} cannot be limited to a command list: use sudo with a declared command`),
        );
        continue;
      }
      const entry = declared?.find((e) => covered(e, cmd));
      if (entry) used.add(entry);
      else if (!declared)
        out.push(at(cmd.node, `${how} ${cmd.name} is not declared: list it under "sudo:" in the manifest`));
      else out.push(at(cmd.node, `${how} ${cmd.name} is not covered by the manifest's sudo list`));
    }
    for (const entry of declared ?? [])
      if (!used.has(entry))
        out.push({
          message: `sudo entry "${entry}" is declared but not used: remove it`,
          severity: 'warning',
          ...keySpan(ctx, 'sudo'),
        });
    return out;
  },
};
