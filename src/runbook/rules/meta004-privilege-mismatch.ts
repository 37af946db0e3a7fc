import type { Command } from '../shell/model';
import type { Fix, RawFinding, Rule, RuleContext } from '../types';
import { keyBlock, keySpan, manifestLines } from './meta-util';
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
arguments); an entry nothing uses is a privilege to remove. The fix drops unused entries from an inline
manifest.`,
  fix: 'safe',
  languages: ['bash', 'sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    const declared = ctx.manifest?.sudo ?? null;
    const used = new Set<string>();
    for (let cmdIndex = 0; cmdIndex < ctx.shell!.commands.length; cmdIndex++) {
      const cmd = ctx.shell!.commands[cmdIndex]!;
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
    const unused = (declared ?? []).filter((e) => !used.has(e));
    const fix = unused.length > 0 ? dropEntries(ctx, unused, declared ?? []) : undefined;
    for (const entry of unused)
      out.push({
        message: `sudo entry "${entry}" is declared but not used: remove it`,
        severity: 'warning',
        ...keySpan(ctx, 'sudo'),
        ...(fix ? { fix } : {}),
      });
    return out;
  },
};

/** Rewrites the inline `sudo:` key without the unused entries (or removes it when none is left). */
function dropEntries(ctx: RuleContext, unused: string[], declared: string[]): Fix | undefined {
  const block = keyBlock(ctx, 'sudo');
  if (!block) return undefined;
  const keep = declared.filter((e) => !unused.includes(e));
  const lines = manifestLines(ctx).filter((l) => l.start >= block.start && l.start < block.end);
  // only simple lists: a flow list on the key line, or one "- entry" per line
  const flow = /^sudo:\s*\[[^\]]*\]\s*$/.test(block.line.text);
  const listed = lines.slice(1).every((l) => /^-\s+\S/.test(l.text));
  if (!flow && !(listed && /^sudo:\s*$/.test(block.line.text))) return undefined;
  const pad = `#${' '.repeat(block.line.indent)}`;
  const text = keep.length === 0 ? '' : `${pad}sudo: [${keep.map((e) => JSON.stringify(e)).join(', ')}]\n`;
  return {
    description: 'drop the unused sudo entries',
    safe: true,
    edits: [{ start: block.start, end: block.end, text }],
  };
}
