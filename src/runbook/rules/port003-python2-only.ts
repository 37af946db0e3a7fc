import { interpreterOf } from '../analyze';
import type { RawFinding, Rule } from '../types';
import { at } from './util';

const PY2_MODULES = new Set([
  'urllib2',
  'ConfigParser',
  'commands',
  'StringIO',
  'cStringIO',
  'Queue',
  'httplib',
  'cPickle',
  'urlparse',
  'SocketServer',
  'xmlrpclib',
  '__builtin__',
  'HTMLParser',
  'Tkinter',
  'cookielib',
]);
const PY2_BUILTINS = /^(raw_input|xrange|unicode|execfile|reload|basestring|long|unichr|cmp)$/;

export const PORT003: Rule = {
  id: 'PORT003',
  name: 'python2-only',
  group: 'PORT',
  severity: 'error',
  summary: 'print statement, Python 2 stdlib or builtins (error); unversioned python shebang (warning)',
  explain: `Python 2 is gone from current distributions: a runbook with "print x" or "import urllib2" fails on the
host before it does anything. "#!/usr/bin/env python" runs whatever "python" is, or nothing.

Port to Python 3 (print(x), urllib.request, configparser…) and use #!/usr/bin/env python3.`,
  fix: 'unsafe',
  languages: ['python'],
  check(ctx) {
    const out: RawFinding[] = [];
    const py = ctx.python!;
    if (ctx.shebang && /^python2?$/.test(interpreterOf(ctx.shebang)))
      out.push({
        message: `#!${ctx.shebang} runs whatever "python" is: use python3`,
        start: 0,
        end: ctx.shebang.length + 2,
        severity: 'warning',
        fix: {
          description: 'run it with python3',
          safe: false,
          edits: [{ start: 0, end: ctx.shebang.length + 2, text: '#!/usr/bin/env python3' }],
        },
      });
    for (const p of py.prints) out.push(at(p, 'print statement is Python 2 only: use print(…)'));
    for (const i of py.imports)
      if (PY2_MODULES.has(i.module.split('.')[0]!))
        out.push(at(i.node, `module ${i.module} exists only in Python 2`));
    for (let cIndex = 0; cIndex < py.calls.length; cIndex++) {
      const c = py.calls[cIndex]!;
      if (PY2_BUILTINS.test(c.func)) out.push(at(c.node, `${c.func}() exists only in Python 2`));
      if (/\.has_key$/.test(c.func)) out.push(at(c.node, 'dict.has_key() exists only in Python 2: use "in"'));
    }
    return out;
  },
};
