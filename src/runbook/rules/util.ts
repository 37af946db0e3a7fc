/** Small helpers shared by rules. */
import { type Command, carriesInput, type Expansion, type ShellModel, type Word } from '../shell/model';
import type { SNode } from '../syntax';
import type { RawFinding, RuleContext, Severity } from '../types';

export function at(node: { start: number; end: number }, message: string, severity?: Severity): RawFinding {
  return { message, start: node.start, end: node.end, ...(severity ? { severity } : {}) };
}

/** The command as one line of text (for messages). */
export function cmdText(ctx: RuleContext, cmd: Command, max = 60): string {
  const t = ctx.text.slice(cmd.node.start, cmd.node.end).replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export function isTainted(shell: ShellModel, e: Expansion): boolean {
  return carriesInput(shell.tainted, e);
}

/** Does the word carry alert input (a tainted variable, or a substitution that reads one)? */
export function wordTainted(shell: ShellModel, w: Word): boolean {
  return spanTainted(shell, w.node.start, w.node.end);
}

export function spanTainted(shell: ShellModel, start: number, end: number): boolean {
  const list = shell.taintedExpansions;
  for (let k = 0; k < list.length; k++)
    if (list[k]!.node.start >= start && list[k]!.node.end <= end) return true;
  return false;
}

export function hasExpansion(w: Word): boolean {
  return w.literal === null;
}

/** Commands strictly inside the span of a node (e.g. those of a `$( … )`). */
export function commandsIn(shell: ShellModel, node: { start: number; end: number }): Command[] {
  return shell.commands.filter((c) => c.node.start >= node.start && c.node.end <= node.end);
}

export function lit(w: Word | undefined): string {
  return w?.literal ?? '';
}

/** The first non-option argument after `index` (skipping flags). */
export function subcommand(cmd: Command, index = 0): string | null {
  let seen = 0;
  for (let wIndex = 0; wIndex < cmd.args.length; wIndex++) {
    const w = cmd.args[wIndex]!;
    const a = w.literal;
    if (a === null) return null;
    if (a.startsWith('-')) continue;
    if (seen === index) return a;
    seen++;
  }
  return null;
}

export function hasFlag(cmd: Command, ...flags: string[]): boolean {
  return cmd.args.some((w) => {
    const a = w.literal ?? '';
    return flags.some((f) => {
      if (f.startsWith('--')) return a === f || a.startsWith(`${f}=`);
      if (f.length === 2 && /^-[a-zA-Z]+$/.test(a) && !a.startsWith('--')) return a.includes(f[1]!);
      return a === f || a.startsWith(f);
    });
  });
}

/** Shannon entropy in bits per character (as gitleaks computes it). */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Offsets of code (not comments) in a file: the comment nodes of the tree, or `#` comments for other files. */
// The last file's spans only (a rule and the engine ask for the same file in turn): a WeakMap's entries outlived
// scavenges and promoted every file's context into the old generation (decision 0208).
let cachedFor: RuleContext | null = null;
let cachedSpans: { start: number; end: number }[] = [];

export function commentSpans(ctx: RuleContext): { start: number; end: number }[] {
  if (cachedFor === ctx) return cachedSpans;
  cachedSpans = computeCommentSpans(ctx);
  cachedFor = ctx;
  return cachedSpans;
}

function computeCommentSpans(ctx: RuleContext): { start: number; end: number }[] {
  if (ctx.shell) return [...ctx.shell.comments].sort((a, b) => a.start - b.start);
  if (ctx.tree) {
    const out: { start: number; end: number }[] = [];
    const stack: SNode[] = [ctx.tree];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.type === 'comment') out.push(n);
      else for (const c of n.children) stack.push(c);
    }
    return out.sort((a, b) => a.start - b.start);
  }
  const out: { start: number; end: number }[] = [];
  const re = /^[ \t]*#.*$/gm;
  for (let m = re.exec(ctx.text); m; m = re.exec(ctx.text))
    out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

export function inSpans(offset: number, spans: { start: number; end: number }[]): boolean {
  for (let k = 0; k < spans.length; k++) if (offset >= spans[k]!.start && offset < spans[k]!.end) return true;
  return false;
}

/** State-changing verbs: used by mode, post-check and cap rules. */
export const STATE_CHANGE: Record<string, RegExp | true> = {
  kill: true,
  pkill: true,
  killall: true,
  rm: true,
  rmdir: true,
  reboot: true,
  shutdown: true,
  halt: true,
  poweroff: true,
  mkfs: true,
  dd: true,
  truncate: true,
  service: /^(start|stop|restart|reload|force-reload)$/,
  systemctl:
    /^(start|stop|restart|reload|kill|disable|enable|mask|reboot|poweroff|isolate|try-restart|reload-or-restart)$/,
  docker: /^(stop|start|restart|kill|rm|rmi|prune|pause|unpause|update|scale|system|container|volume|image)$/,
  'docker-compose': /^(stop|start|restart|kill|rm|down|up|scale)$/,
  kubectl: /^(delete|scale|rollout|drain|cordon|apply|patch|edit|replace|set)$/,
  heroku:
    /^(restart|ps:restart|ps:scale|ps:stop|ps:kill|scale|pg:reset|apps:destroy|maintenance:on|maintenance:off|config:set|releases:rollback|dyno:restart|dyno:kill|dyno:scale)$/,
  aws: true,
  gcloud: /^(compute|sql|container)$/,
  doctl: /^compute$/,
  tugboat: /^(restart|halt|destroy|start|stop|resize|snapshot|rebuild)$/,
  slcli: /^(vs|hw)$/,
  iptables: true,
  crontab: true,
  chmod: true,
  chown: true,
  mv: true,
  dropdb: true,
  terraform: /^(apply|destroy|import)$/,
};

const AWS_READ = /^(describe|list|get|head|wait)-/;

/** Does the command change state (restart, kill, delete, scale, stop…)? */
export function changesState(cmd: Command): boolean {
  const name = cmd.name;
  if (!name) return false;
  const spec = STATE_CHANGE[name.replace(/\.[0-9]+$/, '')] ?? (name.startsWith('mkfs') ? true : undefined);
  if (!spec) return false;
  if (name === 'aws') {
    const op = subcommand(cmd, 1);
    return op !== null && !AWS_READ.test(op) && !(subcommand(cmd, 0) === 's3' && /^(ls|cp)$/.test(op));
  }
  if (spec === true) return true;
  const sub = subcommand(cmd, 0);
  if (name === 'docker' && sub !== null && /^(system|container|volume|image|network)$/.test(sub))
    return /^(rm|prune|stop|start|restart|kill|pause|unpause|update|create|run)$/.test(
      subcommand(cmd, 1) ?? '',
    );
  return sub !== null && spec.test(sub);
}

/** The message-friendly name of an expansion. */
export function expName(e: Expansion, text: string): string {
  return e.name ? `$${e.name}` : text.slice(e.node.start, e.node.end);
}

/** Secret-like variable or key names. */
export const SECRET_NAME =
  /(pass(word|wd)?|secret|token|api[_-]?key|apikey|private[_-]?key|credential|auth[_-]?key|access[_-]?key)/i;
