import { walk } from '../syntax';
import type { RawFinding, Rule } from '../types';
import { at } from './util';

export const PORT001: Rule = {
  id: 'PORT001',
  name: 'bashism-in-sh',
  group: 'PORT',
  severity: 'warning',
  summary: "[[ ]], arrays, ==, function, source, $'…', <<<, &> or {a..b} in an sh (or shebang-less) runbook",
  explain: `A runbook without a shebang, or with #!/bin/sh, runs under /bin/sh: dash on Debian and Ubuntu. There
"[[ $x == y ]]" is a command-not-found error, so an "if" takes the else branch and the restart never happens.

Use POSIX forms ([ "$x" = y ], no arrays, ". file"), or declare #!/bin/bash. --fix-unsafe sets the shebang
to #!/bin/bash.`,
  fix: 'unsafe',
  languages: ['sh'],
  check(ctx) {
    const out: RawFinding[] = [];
    const text = ctx.text;
    const fixShebang = {
      description: 'run with bash',
      safe: false,
      edits: [
        ctx.shebang === null
          ? { start: 0, end: 0, text: '#!/bin/bash\n' }
          : {
              start: 0,
              end: text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'),
              text: '#!/bin/bash',
            },
      ],
    };
    const add = (node: { start: number; end: number }, what: string) =>
      out.push({ ...at(node, `${what} is a bashism: /bin/sh (dash) does not support it`), fix: fixShebang });
    for (let nIndex = 0, nList = walk(ctx.tree!); nIndex < nList.length; nIndex++) {
      const n = nList[nIndex]!;
      switch (n.type) {
        case 'test_command':
          if (text.startsWith('[[', n.start)) add(n, '[[ ]]');
          else if (/\s==\s/.test(text.slice(n.start, n.end))) add(n, '== in [ ]');
          break;
        case 'array':
          add(n, 'an array');
          break;
        case 'subscript':
          add(n, 'an array subscript');
          break;
        case 'ansi_c_string':
          add(n, "$'…'");
          break;
        case 'herestring_redirect':
          add(n, '<<<');
          break;
        case 'function_definition':
          if (text.startsWith('function', n.start)) add(n, 'the function keyword');
          break;
        case 'brace_expression':
          add(n, '{a..b}');
          break;
        case 'file_redirect':
          if (text.startsWith('&>', n.start)) add(n, '&>');
          break;
      }
    }
    for (let cmdIndex = 0; cmdIndex < ctx.shell!.commands.length; cmdIndex++) {
      const cmd = ctx.shell!.commands[cmdIndex]!;
      if (cmd.name === 'source') add(cmd.node, 'source');
      if ((cmd.name === 'test' || cmd.name === '[') && cmd.args.some((w) => w.literal === '=='))
        add(cmd.node, '== in test');
    }
    return out;
  },
};
